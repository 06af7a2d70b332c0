import type { INestApplicationContext } from '@nestjs/common';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandInput {
  positionals: string[];
  options: Record<string, string | boolean | string[] | undefined>;
  /** Standard input, for commands that read secrets from it. */
  stdin?: string;
  /** Set when stderr is a terminal and output is not --json: redraws one status line. */
  progress?: (line: string) => void;
}

export interface CommandResult {
  /** Printed as one JSON object with --json. */
  json: Record<string, unknown>;
  /** Printed otherwise. */
  text: string;
}

export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  options?: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  run(app: INestApplicationContext, input: CommandInput): Promise<CommandResult>;
}

export function requireString(input: CommandInput, name: string): string {
  const value = input.options[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optionalString(input: CommandInput, name: string): string | undefined {
  const value = input.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringList(input: CommandInput, name: string): string[] {
  const value = input.options[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function requirePositional(input: CommandInput, index: number, label: string): string {
  const value = input.positionals[index];
  if (!value) throw new UsageError(`missing <${label}>`);
  return value;
}
