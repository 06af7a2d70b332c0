import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'prisma', 'control', 'migrations'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error('cannot find prisma/ migrations above ' + fileURLToPath(import.meta.url));
    directory = parent;
  }
  return directory;
}

/** Works the same from src/ (tests), dist/ (npm start) and the container. */
export const projectRoot = findProjectRoot();
export const controlMigrationsDirectory = join(projectRoot, 'prisma', 'control', 'migrations');
export const tenantMigrationsDirectory = join(projectRoot, 'prisma', 'tenant', 'migrations');
