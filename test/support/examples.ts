import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface RunningExample {
  origin: string;
  /** What the example printed (stdout and stderr). */
  output: string[];
  stop(): Promise<void>;
}

/**
 * Runs an example the way its README says (`node examples/<name>/server.mjs`
 * with its environment) on the given port, and waits until it listens.
 */
export async function startExample(name: 'tenant-app' | 'backoffice', port: number, env: Record<string, string>): Promise<RunningExample> {
  const script = fileURLToPath(new URL(`../../examples/${name}/server.mjs`, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output.join('')}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.join('').includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output.join('')}`));
    });
  });
  await listening;
  return {
    origin: `http://127.0.0.1:${port}`,
    output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
