import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, type AppConfig } from '../config/app-config.js';
import { DatabaseService } from '../infra/database/database.service.js';
import { DomainError } from '../infra/http/domain-error.js';
import { createRootLogger, PinoNestLogger } from '../infra/logging/logger.js';
import { UsageError, type CliCommand, type CommandResult } from './cli-command.js';
import { createApiKeyCommand, listApiKeysCommand, revokeApiKeyCommand } from './commands/api-keys.commands.js';
import { createClientCommand, deleteClientCommand, listClientsCommand } from './commands/clients.commands.js';
import { createFeatureCommand, listFeatureChangesCommand, listFeaturesCommand, setFeatureCommand } from './commands/features.commands.js';
import { listSegmentsCommand, setSegmentCommand } from './commands/segments.commands.js';
import { purgeTokensCommand, rotateKeysCommand } from './commands/keys.commands.js';
import { migrateCommand } from './commands/migrate.command.js';
import {
  createTenantCommand,
  deleteTenantCommand,
  listTenantsCommand,
  moveTenantCommand,
  resumeTenantCommand,
  suspendTenantCommand,
} from './commands/tenants.commands.js';
import { createUserCommand } from './commands/users.commands.js';
import { createOperatorCommand, listOperatorsCommand } from './commands/operators.commands.js';
import { pino } from 'pino';
import { CliModule } from './cli.module.js';

export const COMMANDS: CliCommand[] = [
  migrateCommand,
  createTenantCommand,
  listTenantsCommand,
  suspendTenantCommand,
  resumeTenantCommand,
  moveTenantCommand,
  deleteTenantCommand,
  createClientCommand,
  listClientsCommand,
  deleteClientCommand,
  createUserCommand,
  createApiKeyCommand,
  listApiKeysCommand,
  revokeApiKeyCommand,
  createOperatorCommand,
  listOperatorsCommand,
  listFeaturesCommand,
  createFeatureCommand,
  setFeatureCommand,
  listFeatureChangesCommand,
  setSegmentCommand,
  listSegmentsCommand,
  rotateKeysCommand,
  purgeTokensCommand,
];

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Reads all of standard input (only called by commands that need it). */
  readStdin?: () => Promise<string>;
  /** True when stderr is a terminal: long commands then draw a progress line there. */
  stderrIsTerminal?: boolean;
}

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'usage: npm run cli -- <command> [options] [--json]',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Every command accepts --json: exactly one JSON object on stdout.',
  ].join('\n');
}

async function execute(command: CliCommand, config: AppConfig, args: string[], io: CliIo): Promise<CommandResult> {
  const parsed = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { json: { type: 'boolean' }, ...(command.options ?? {}) },
  });
  // Logs go to stderr so stdout stays one JSON object.
  const logger = createRootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: new PinoNestLogger(logger.child({}, { level: logger.level })),
    abortOnError: false,
  });
  try {
    await app.get(DatabaseService).migrateControlPlane();
    const stdin =
      command.options && 'password-stdin' in command.options && (parsed.values as Record<string, unknown>)['password-stdin']
        ? await io.readStdin?.()
        : undefined;
    const progress = io.stderrIsTerminal && !parsed.values.json ? terminalProgress(io) : undefined;
    try {
      return await command.run(app, { positionals: parsed.positionals, options: parsed.values, stdin, progress: progress?.draw });
    } finally {
      progress?.end();
    }
  } finally {
    await app.close();
  }
}

/** One status line on stderr, redrawn in place at most ten times a second. */
function terminalProgress(io: CliIo): { draw: (line: string) => void; end: () => void } {
  let last = 0;
  let pending: string | undefined;
  let drawn = false;
  const write = (line: string): void => {
    io.stderr(`\r\x1b[2K${line}`);
    drawn = true;
    pending = undefined;
    last = Date.now();
  };
  return {
    draw: (line) => {
      if (Date.now() - last >= 100) write(line);
      else pending = line;
    },
    end: () => {
      if (pending !== undefined) write(pending);
      if (drawn) io.stderr('\n');
    },
  };
}

/** Runs one operator command; returns the exit code. In-process, so tests drive it directly. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const json = args.includes('--json');
  if (!name || name === 'help' || name === '--help') {
    io.stdout(help() + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  const fail = (code: number, message: string, extra: Record<string, unknown> = {}): number => {
    io.stderr(json ? JSON.stringify({ error: message, ...extra }) + '\n' : `error: ${message}\n`);
    return code;
  };
  if (!command) return fail(2, `unknown command "${name}"\n\n${help()}`);
  try {
    const result = await execute(command, loadConfig(io.env), args, io);
    io.stdout(json ? JSON.stringify(result.json) + '\n' : result.text + '\n');
    return 0;
  } catch (error) {
    // A command that did part of its work (migrate with a failed tenant) still reports it.
    const partial = (error as { result?: CommandResult } | null)?.result;
    if (partial) io.stdout(json ? JSON.stringify(partial.json) + '\n' : partial.text + '\n');
    const nodeCode = (error as { code?: unknown } | null)?.code;
    if (error instanceof UsageError || (typeof nodeCode === 'string' && nodeCode.startsWith('ERR_PARSE_ARGS'))) {
      return fail(2, `${(error as Error).message}\nusage: npm run cli -- ${command.usage}`);
    }
    if (error instanceof DomainError) return fail(1, error.detail ?? error.code, { code: error.code });
    if (error instanceof ConfigError) return fail(1, `configuration: ${error.message}`);
    return fail(1, error instanceof Error ? error.message : String(error));
  }
}
