import type { INestApplicationContext } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { FeatureChangeListResponse, FeatureResponse, TenantFeatureResponse } from '../../features/dto/feature.response.js';
import {
  FEATURE_KEY_PATTERN,
  type Feature,
  type FeatureActor,
  type FeatureChange,
  type FeatureSnapshot,
  type SegmentSnapshot,
  type TenantFeatureState,
} from '../../features/feature.js';
import { featureStateTag, FeaturesService, type SetFeatureCommand } from '../../features/features.service.js';
import { FEATURE_TYPES, type FeatureType, type FlagMetadata, type FlagValue } from '../../features/flag-evaluation.js';
import type { Tenant } from '../../tenants/tenant.js';
import { TenantAccessService } from '../../tenants/tenant-access.service.js';
import { optionalString, requirePositional, stringList, UsageError, type CliCommand, type CommandInput } from '../cli-command.js';

/** The audit trail's client for changes made from the CLI; registered clients have UUIDs, so it names no real client. */
export const CLI_ACTOR_CLIENT_ID = 'cli';

/** Changes made here are logged as client "cli", user: the operating-system account that ran the command. */
export function cliActor(): FeatureActor {
  try {
    return { clientId: CLI_ACTOR_CLIENT_ID, userId: userInfo().username || null };
  } catch {
    // userInfo throws when the uid has no passwd entry (some containers): the change is still logged, without a user.
    return { clientId: CLI_ACTOR_CLIENT_ID, userId: null };
  }
}

/** The tenant under the API's one usability rule: unknown is TENANT_NOT_FOUND, suspended TENANT_SUSPENDED. */
export async function usableTenant(app: INestApplicationContext, slug: string): Promise<Tenant> {
  return app.get(TenantAccessService).resolve({ tenantId: null }, slug);
}

/**
 * A value typed on the command line, read as the flag's type: a string flag
 * takes the text as is, the others read it as JSON (`42`, `{"columns":2}`).
 * Text that does not parse goes to the service unchanged, which refuses it
 * (FEATURE_INVALID) exactly as the API refuses a value of the wrong type.
 */
function flagValue(type: FeatureType, text: string): unknown {
  if (type === 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const show = (value: FlagValue | null | undefined): string => JSON.stringify(value ?? null);
const onOff = (enabled: boolean): string => (enabled ? 'on' : 'off');

function describeFeature(feature: Feature): string {
  const variants = Object.entries(feature.variants)
    .map(([name, value]) => `${name}=${show(value)}`)
    .join(' ');
  return `${feature.key}\t${feature.type}\tdefault ${onOff(feature.defaultEnabled)}, on ${feature.defaultVariant}, off ${feature.offVariant}\t${variants}\t${feature.description}`;
}

function describeState(state: TenantFeatureState): string {
  const targeting = [
    state.rules.length ? `${state.rules.length} rule(s)` : '',
    state.rollout ? `rollout ${state.rollout.map((share) => `${share.variant}=${share.weight}`).join(',')}` : '',
  ].filter(Boolean);
  const source = state.source === 'tenant' ? 'set for the tenant' : 'catalogue default';
  return `${state.key}\t${onOff(state.enabled)}, serves ${state.variant}=${show(state.value)}\t${[source, ...targeting].join(', ')}`;
}

/** A seed is the catalogue default written when the tenant was created; null: the tenant had no state of its own (or a segment was deleted). */
function describeSnapshot(snapshot: FeatureSnapshot | SegmentSnapshot | null): string {
  if (!snapshot) return 'unset';
  if ('when' in snapshot) return `segment ${JSON.stringify(snapshot.when)}`;
  const variant = snapshot.variant ? ` ${snapshot.variant}` : '';
  const targeting = snapshot.rules?.length || snapshot.rollout ? ' (targeted)' : '';
  return `${onOff(snapshot.enabled)}${variant}${targeting}${snapshot.origin === 'seed' ? ' (default)' : ''}`;
}

function describeChange(change: FeatureChange): string {
  const actor = change.actor.userId ? `${change.actor.clientId} (${change.actor.userId})` : change.actor.clientId;
  return `${change.id}\t${change.changedAt.toISOString()}\t${change.key}\t${describeSnapshot(change.before)} -> ${describeSnapshot(change.after)}\tby ${actor}`;
}

function typeOption(input: CommandInput): FeatureType | undefined {
  const type = optionalString(input, 'type');
  if (type !== undefined && !(FEATURE_TYPES as readonly string[]).includes(type))
    throw new UsageError(`--type must be one of ${FEATURE_TYPES.join(', ')}`);
  return type as FeatureType | undefined;
}

/** The API's bounds for a page of the audit trail (ListChangesQueryDto). */
function limitOption(input: CommandInput): number | undefined {
  const text = optionalString(input, 'limit');
  if (text === undefined) return undefined;
  const limit = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= 500)) throw new UsageError('--limit must be a whole number from 1 to 500');
  return limit;
}

export const listFeaturesCommand: CliCommand = {
  name: 'features:list',
  usage: 'features:list [--tenant slug]',
  summary: "the feature catalogue; with --tenant, that tenant's effective flags",
  options: { tenant: { type: 'string' } },
  async run(app, input) {
    const features = app.get(FeaturesService);
    const slug = optionalString(input, 'tenant');
    if (slug !== undefined) {
      const flags = await features.flagsOf(await usableTenant(app, slug));
      return {
        json: { ...TenantFeatureResponse.list(flags.tenant, flags.states) },
        text: flags.states.length ? flags.states.map(describeState).join('\n') : 'no features',
      };
    }
    const catalogue = await features.listFeatures();
    return {
      json: { items: catalogue.map(FeatureResponse.from) },
      text: catalogue.length ? catalogue.map(describeFeature).join('\n') : 'no features',
    };
  },
};

/** `name=value` pairs of a repeatable option. */
function pairs(input: CommandInput, option: string): [string, string][] {
  return stringList(input, option).map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--${option} takes name=value`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}

/** Metadata values typed on the command line: numbers and true/false as such, anything else as text. */
function metadataOption(input: CommandInput): FlagMetadata | undefined {
  const entries = pairs(input, 'metadata');
  if (entries.length === 0) return undefined;
  const typed = (text: string): string | number | boolean =>
    text === 'true' ? true : text === 'false' ? false : /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return Object.fromEntries(entries.map(([key, text]) => [key, typed(text)]));
}

export function jsonOption(text: string, option: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`--${option} must be JSON`);
  }
}

export const createFeatureCommand: CliCommand = {
  name: 'features:create',
  usage:
    'features:create <key> [--description D] [--type boolean|string|number|object] [--variant name=value]... [--default-variant V] [--off-variant V] [--metadata k=v]... [--default-value V] [--default-on]',
  summary: 'add a flag to the catalogue: named variants (or, as before 0.6.0, --default-value for a typed flag)',
  options: {
    description: { type: 'string' },
    type: { type: 'string' },
    variant: { type: 'string', multiple: true },
    'default-variant': { type: 'string' },
    'off-variant': { type: 'string' },
    metadata: { type: 'string', multiple: true },
    'default-value': { type: 'string' },
    'default-on': { type: 'boolean' },
  },
  async run(app, input) {
    const key = requirePositional(input, 0, 'key');
    // The API's request validation (CreateFeatureDto), which the service leaves to its callers.
    if (!FEATURE_KEY_PATTERN.test(key))
      throw new UsageError('<key> must be 1 to 64 lowercase letters, digits, dots, underscores or hyphens');
    const description = optionalString(input, 'description');
    if (description !== undefined && description.length > 500) throw new UsageError('--description must be at most 500 characters');
    const type = typeOption(input);
    const defaultValue = optionalString(input, 'default-value');
    const variants = pairs(input, 'variant');
    const feature = await app.get(FeaturesService).createFeature({
      key,
      description,
      type,
      defaultEnabled: input.options['default-on'] === true,
      defaultValue: defaultValue === undefined ? undefined : flagValue(type ?? 'boolean', defaultValue),
      ...(variants.length > 0
        ? { variants: Object.fromEntries(variants.map(([name, text]) => [name, flagValue(type ?? 'boolean', text)])) }
        : {}),
      defaultVariant: optionalString(input, 'default-variant'),
      offVariant: optionalString(input, 'off-variant'),
      metadata: metadataOption(input),
    });
    return { json: { ...FeatureResponse.from(feature) }, text: `created feature ${describeFeature(feature)}` };
  },
};

/** --rollout a=50,b=50 → [{variant: a, weight: 50}, ...]. */
function rolloutOption(text: string): unknown {
  return text.split(',').map((share) => {
    const [variant, weight] = share.split('=');
    if (!variant || weight === undefined || !/^\d+(\.\d+)?$/.test(weight))
      throw new UsageError('--rollout takes variant=weight,variant=weight');
    return { variant, weight: Number(weight) };
  });
}

function rulesOption(input: CommandInput): unknown {
  const inline = optionalString(input, 'rules');
  const file = optionalString(input, 'rules-file');
  if (inline !== undefined && file !== undefined) throw new UsageError('give --rules or --rules-file, not both');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UsageError(`cannot read --rules-file ${file}`);
    }
    return jsonOption(text, 'rules-file');
  }
  return inline === undefined ? undefined : jsonOption(inline, 'rules');
}

export const setFeatureCommand: CliCommand = {
  name: 'features:set',
  usage:
    'features:set <tenant> <key> --on|--off [--variant V] [--value V] [--rules JSON | --rules-file F] [--rollout a=50,b=50] [--metadata k=v]...',
  summary: "turn a tenant's flag on or off; --variant, --value, --rules, --rollout change only what they name (the rest stays)",
  options: {
    on: { type: 'boolean' },
    off: { type: 'boolean' },
    variant: { type: 'string' },
    value: { type: 'string' },
    rules: { type: 'string' },
    'rules-file': { type: 'string' },
    rollout: { type: 'string' },
    metadata: { type: 'string', multiple: true },
  },
  async run(app, input) {
    const slug = requirePositional(input, 0, 'tenant');
    const key = requirePositional(input, 1, 'key');
    if ((input.options.on === true) === (input.options.off === true)) throw new UsageError('give exactly one of --on or --off');
    const enabled = input.options.on === true;
    const text = optionalString(input, 'value');
    const variant = optionalString(input, 'variant');
    const rules = rulesOption(input);
    const rolloutText = optionalString(input, 'rollout');
    const metadata = metadataOption(input);
    const features = app.get(FeaturesService);
    const tenant = await usableTenant(app, slug);
    let state: TenantFeatureState;
    if (text === undefined && variant === undefined && rules === undefined && rolloutText === undefined) {
      state = await features.setTenantFeature(tenant, key, metadata ? { enabled, metadata } : enabled, cliActor());
    } else {
      // The service replaces variant, rules and rollout together: carry over what was not named,
      // conditional on the version read, so a change made in between is refused (FEATURE_PRECONDITION_FAILED), not lost.
      const current = await features.getTenantFeature(tenant, key);
      const command: SetFeatureCommand = {
        enabled,
        targeting: {
          variants: current.tenantVariants,
          ...(text !== undefined ? { value: flagValue(current.type, text) } : { variant: variant ?? current.onVariant }),
          rules: rules ?? current.rules,
          rollout: rolloutText !== undefined ? rolloutOption(rolloutText) : current.rollout,
        },
        ...(metadata ? { metadata } : {}),
      };
      state = await features.setTenantFeature(tenant, key, command, cliActor(), featureStateTag(current));
    }
    return { json: { ...TenantFeatureResponse.from(state) }, text: `tenant ${tenant.slug}: ${describeState(state)}` };
  },
};

export const listFeatureChangesCommand: CliCommand = {
  name: 'features:changes',
  usage: 'features:changes <tenant> [--limit N] [--cursor C]',
  summary: "a tenant's feature audit trail, newest first (--cursor: the next page)",
  options: { limit: { type: 'string' }, cursor: { type: 'string' } },
  async run(app, input) {
    const tenant = await usableTenant(app, requirePositional(input, 0, 'tenant'));
    const page = await app.get(FeaturesService).listChanges(tenant, { limit: limitOption(input), cursor: optionalString(input, 'cursor') });
    const lines = page.items.length ? page.items.map(describeChange) : ['no changes'];
    if (page.nextCursor) lines.push(`more: features:changes ${tenant.slug} --cursor ${page.nextCursor}`);
    return { json: { ...FeatureChangeListResponse.from(tenant, page) }, text: lines.join('\n') };
  },
};
