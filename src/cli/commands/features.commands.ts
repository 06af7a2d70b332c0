import type { INestApplicationContext } from '@nestjs/common';
import { userInfo } from 'node:os';
import { FeatureChangeListResponse, FeatureResponse, TenantFeatureResponse } from '../../features/dto/feature.response.js';
import {
  FEATURE_KEY_PATTERN,
  type Feature,
  type FeatureActor,
  type FeatureChange,
  type FeatureSnapshot,
  type TenantFeatureState,
} from '../../features/feature.js';
import { featureStateTag, FeaturesService } from '../../features/features.service.js';
import { FEATURE_TYPES, type FeatureType, type FlagValue } from '../../features/flag-evaluation.js';
import type { Tenant } from '../../tenants/tenant.js';
import { TenantAccessService } from '../../tenants/tenant-access.service.js';
import { optionalString, requirePositional, UsageError, type CliCommand, type CommandInput } from '../cli-command.js';

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
async function usableTenant(app: INestApplicationContext, slug: string): Promise<Tenant> {
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
  const value = feature.type === 'boolean' ? '' : `, off serves ${show(feature.defaultValue)}`;
  return `${feature.key}\t${feature.type}\tdefault ${onOff(feature.defaultEnabled)}${value}\t${feature.description}`;
}

function describeState(state: TenantFeatureState): string {
  const targeting = [
    state.rules.length ? `${state.rules.length} rule(s)` : '',
    state.rollout ? `rollout ${state.rollout.percentage}%` : '',
  ].filter(Boolean);
  const served = state.type === 'boolean' ? '' : `, serves ${show(state.value)}`;
  const source = state.source === 'tenant' ? 'set for the tenant' : 'catalogue default';
  return `${state.key}\t${onOff(state.enabled)}${served}\t${[source, ...targeting].join(', ')}`;
}

/** A seed is the catalogue default written when the tenant was created; null: the tenant had no state of its own. */
function describeSnapshot(snapshot: FeatureSnapshot | null): string {
  if (!snapshot) return 'unset';
  const value = snapshot.value === undefined || snapshot.value === null ? '' : ` ${show(snapshot.value)}`;
  return `${onOff(snapshot.enabled)}${value}${snapshot.origin === 'seed' ? ' (default)' : ''}`;
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

export const createFeatureCommand: CliCommand = {
  name: 'features:create',
  usage: 'features:create <key> [--description D] [--type boolean|string|number|object] [--default-value V] [--default-on]',
  summary: 'add a flag to the catalogue (string, number and object flags need --default-value)',
  options: {
    description: { type: 'string' },
    type: { type: 'string' },
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
    const feature = await app.get(FeaturesService).createFeature({
      key,
      description,
      type,
      defaultEnabled: input.options['default-on'] === true,
      defaultValue: defaultValue === undefined ? undefined : flagValue(type ?? 'boolean', defaultValue),
    });
    return { json: { ...FeatureResponse.from(feature) }, text: `created feature ${describeFeature(feature)}` };
  },
};

export const setFeatureCommand: CliCommand = {
  name: 'features:set',
  usage: 'features:set <tenant> <key> --on|--off [--value V]',
  summary: "turn a tenant's flag on or off; --value sets a typed flag's on-value (its rules and rollout stay)",
  options: { on: { type: 'boolean' }, off: { type: 'boolean' }, value: { type: 'string' } },
  async run(app, input) {
    const slug = requirePositional(input, 0, 'tenant');
    const key = requirePositional(input, 1, 'key');
    if ((input.options.on === true) === (input.options.off === true)) throw new UsageError('give exactly one of --on or --off');
    const enabled = input.options.on === true;
    const text = optionalString(input, 'value');
    const features = app.get(FeaturesService);
    const tenant = await usableTenant(app, slug);
    let state: TenantFeatureState;
    if (text === undefined) {
      state = await features.setTenantFeature(tenant, key, enabled, cliActor());
    } else {
      // The service replaces value, rules and rollout together: carry the current rules and rollout over,
      // conditional on the version read, so a change made in between is refused (FEATURE_PRECONDITION_FAILED), not lost.
      const current = await features.getTenantFeature(tenant, key);
      const targeting = { value: flagValue(current.type, text), rules: current.rules, rollout: current.rollout };
      state = await features.setTenantFeature(tenant, key, { enabled, targeting }, cliActor(), featureStateTag(current));
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
