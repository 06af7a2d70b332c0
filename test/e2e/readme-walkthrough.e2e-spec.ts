import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestApp, TEST_SECRET_KEY, type TestApp } from '../support/test-app.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's "Five minutes with curl" section: its bash block and the answer it quotes for the last call. */
function walkThrough(): { script: string; lastAnswer: string } {
  const section = readme.slice(readme.indexOf('## Five minutes with curl'));
  const script = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  const lastAnswer = /The last call answers\n`([^`]+)`/.exec(section)?.[1];
  if (!script || !lastAnswer) throw new Error('the README has no walk-through block or quoted answer');
  return { script, lastAnswer };
}

function runBash(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Consecutive JSON documents as curl prints them (no newline between answers). */
function jsonDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth === 0) start = index;
      depth += 1;
    } else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) documents.push(JSON.parse(text.slice(start, index + 1)));
    }
  }
  return documents;
}

/** The quoted answer as an expectation: "..." in the README stands for a value that differs per run (a timestamp). */
function asExpected(quoted: unknown): unknown {
  if (quoted === '...') return expect.any(String);
  if (Array.isArray(quoted)) return quoted.map(asExpected);
  if (quoted !== null && typeof quoted === 'object')
    return Object.fromEntries(Object.entries(quoted).map(([key, value]) => [key, asExpected(value)]));
  return quoted;
}

/**
 * A new user's first five minutes: the README's curl walk-through run as
 * written (bash, `npm run cli`, curl) against a running service, and the
 * answer it quotes is the answer the service gives, key for key.
 */
describe('README walk-through', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('runs as written and ends with the answer the README quotes', async () => {
    const { script, lastAnswer } = walkThrough();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? projectRoot,
      ...testApp.database.env,
      SECRET_KEY: TEST_SECRET_KEY,
      PUBLIC_URL: testApp.baseUrl,
      LOG_LEVEL: 'warn',
    };
    const result = await runBash(script.replaceAll('http://localhost:3000', testApp.url), env);
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
    // Steps 3, 4 and 5 (two calls) print one JSON document each; the last is acme's flag list.
    const answers = jsonDocuments(result.stdout);
    expect(answers).toHaveLength(4);
    expect(answers.at(-1)).toEqual(asExpected(JSON.parse(lastAnswer)));
  }, 120_000);
});
