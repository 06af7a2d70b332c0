import { resolve } from 'node:path';
import { ConfigError } from './config.errors.js';
import {
  CONFIGURATION_VARIABLES,
  type ConfigurationValues,
  type ConnectionStringVariable,
  type EnumVariable,
  type IntegerVariable,
  type SecretVariable,
  type UrlVariable,
  type Variable,
} from './variables.js';

export type Environment = Record<string, string | undefined>;

/** Every declared variable, validated, with its default where unset; an empty value counts as unset. */
export function readVariables(env: Environment): ConfigurationValues {
  const values: Record<string, unknown> = {};
  const variables: [string, Variable][] = Object.entries(CONFIGURATION_VARIABLES);
  for (const [name, variable] of variables) {
    const raw = env[name];
    values[name] = readVariable(name, variable, raw === '' ? undefined : raw, values);
  }
  // Each declared name was read by the reader of its kind, which returns that kind's value type.
  return values as ConfigurationValues;
}

function readVariable(name: string, variable: Variable, raw: string | undefined, earlier: Record<string, unknown>): unknown {
  switch (variable.kind) {
    case 'integer':
      return readInteger(name, variable, raw);
    case 'enum':
      return readEnum(name, variable, raw);
    case 'boolean':
      return raw === undefined ? variable.default : readBoolean(name, raw);
    case 'switch':
      return raw === variable.on;
    case 'url':
      return readUrl(name, variable, raw ?? fillTemplate(variable.default, earlier));
    case 'connection-string':
      return readConnectionString(name, variable, raw);
    case 'path':
      return resolve(raw ?? variable.default);
    case 'secret':
      return readSecret(name, variable, raw);
  }
}

function readInteger(name: string, variable: IntegerVariable, raw: string | undefined): number {
  if (raw === undefined) return variable.default;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < variable.min || value > variable.max) {
    throw new ConfigError(`${name} must be between ${variable.min} and ${variable.max}, got ${value}`);
  }
  return value;
}

function readEnum(name: string, variable: EnumVariable, raw: string | undefined): string {
  const value = raw ?? variable.default;
  if (!variable.values.includes(value)) throw new ConfigError(`${name} must be one of ${variable.values.join(', ')}, got "${value}"`);
  return value;
}

function readBoolean(name: string, raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function readUrl(name: string, variable: UrlVariable, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got "${raw}"`);
  }
  if (!variable.schemes.includes(url.protocol.slice(0, -1))) {
    throw new ConfigError(`${name} must use ${variable.schemes.join(' or ')}, got "${url.protocol}"`);
  }
  if (url.search || url.hash) throw new ConfigError(`${name} must not carry a query or fragment`);
  return url.href.replace(/\/+$/, '');
}

function readConnectionString(name: string, variable: ConnectionStringVariable, raw: string | undefined): string | undefined {
  if (raw !== undefined && !variable.schemes.some((scheme) => raw.startsWith(`${scheme}://`))) {
    throw new ConfigError(`${name} must be a ${variable.schemes[0]}:// connection string`);
  }
  return raw;
}

function readSecret(name: string, variable: SecretVariable, raw: string | undefined): string | undefined {
  if (raw !== undefined && raw.length < variable.minLength) {
    throw new ConfigError(`${name} must be at least ${variable.minLength} characters`);
  }
  return raw;
}

/** `http://localhost:${PORT}` with PORT's value; only variables declared earlier have one yet. */
function fillTemplate(template: string, earlier: Record<string, unknown>): string {
  return template.replace(/\$\{(\w+)\}/g, (_match, name: string) => {
    if (!(name in earlier)) throw new Error(`a default names ${name}, which is not declared before it`);
    return String(earlier[name]);
  });
}
