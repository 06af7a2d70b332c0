import type { FieldIssue } from './conditions.js';
import { FEATURE_KEY_PATTERN, type Feature } from './feature.js';
import type { FeatureDraft, FeatureEdit } from './features.repository.js';
import { FEATURE_TYPES, valueMatchesType, type FeatureType, type Variants } from './flag-evaluation.js';
import { invalidFields, readMetadata, readVariants } from './flag-input.js';

export const MAX_DESCRIPTION_LENGTH = 500;

export interface CreateFeatureCommand {
  key: string;
  description?: string;
  type?: FeatureType;
  defaultEnabled?: boolean;
  /** Before 0.6.0: a typed flag's one value (a boolean flag's: on for tenants that have not set it). */
  defaultValue?: unknown;
  variants?: unknown;
  defaultVariant?: unknown;
  offVariant?: unknown;
  metadata?: unknown;
}

export type UpdateFeatureCommand = Omit<CreateFeatureCommand, 'key' | 'type' | 'defaultValue'>;

/** The catalogue fields of a new flag: variants as given, or as the bodies before 0.6.0 imply. */
export function draftFeature(input: CreateFeatureCommand): FeatureDraft {
  const issues: FieldIssue[] = [];
  if (!FEATURE_KEY_PATTERN.test(input.key))
    issues.push({ pointer: '/key', detail: 'key must be 1 to 64 lowercase letters, digits, dots, underscores or hyphens.' });
  if ((input.description ?? '').length > MAX_DESCRIPTION_LENGTH)
    issues.push({ pointer: '/description', detail: `description must be at most ${MAX_DESCRIPTION_LENGTH} characters.` });
  const type = input.type ?? 'boolean';
  if (!FEATURE_TYPES.includes(type)) throw invalidFields([{ pointer: '/type', detail: `must be one of ${FEATURE_TYPES.join(', ')}` }]);
  const metadata = input.metadata === undefined ? {} : readMetadata(issues, input.metadata, '/metadata');
  let variants: Variants | undefined;
  let defaultVariant: unknown = input.defaultVariant;
  let offVariant: unknown = input.offVariant;
  let defaultEnabled = input.defaultEnabled ?? false;
  if (input.variants !== undefined) {
    if (input.defaultValue !== undefined) issues.push({ pointer: '/defaultValue', detail: 'send variants or defaultValue, not both' });
    variants = readVariants(issues, type, input.variants, '/variants');
  } else if (type === 'boolean') {
    if (input.defaultValue !== undefined && typeof input.defaultValue !== 'boolean')
      issues.push({ pointer: '/defaultValue', detail: 'A boolean flag’s defaultValue is true or false.' });
    else if (input.defaultValue !== undefined) defaultEnabled = input.defaultValue as boolean;
    variants = { on: true, off: false };
    defaultVariant ??= 'on';
    offVariant ??= 'off';
  } else if (!valueMatchesType(type, input.defaultValue)) {
    issues.push({ pointer: '/defaultValue', detail: `A ${type} flag needs variants, or a defaultValue of type ${type}.` });
  } else {
    variants = { default: input.defaultValue };
    defaultVariant ??= 'default';
    offVariant ??= 'default';
  }
  // Checked against the names given even when a value was wrong, so every fault is reported at once.
  const names = variants ?? (typeof input.variants === 'object' && input.variants !== null ? input.variants : undefined);
  if (names) {
    if (typeof defaultVariant !== 'string' || !(defaultVariant in names))
      issues.push({ pointer: '/defaultVariant', detail: 'must name one of the variants' });
    if (typeof offVariant !== 'string' || !(offVariant in names))
      issues.push({ pointer: '/offVariant', detail: 'must name one of the variants' });
  }
  if (issues.length > 0) throw invalidFields(issues);
  return {
    key: input.key,
    description: input.description ?? '',
    type,
    defaultEnabled,
    variants: variants!,
    defaultVariant: defaultVariant as string,
    offVariant: offVariant as string,
    metadata: metadata!,
  };
}

/** A catalogue edit: variants may be added or given new values, never removed (tenants' rules name them). */
export function checkEdit(feature: Feature, input: UpdateFeatureCommand): FeatureEdit {
  const issues: FieldIssue[] = [];
  const edit: FeatureEdit = {};
  if (input.description !== undefined) {
    if (typeof input.description !== 'string' || input.description.length > MAX_DESCRIPTION_LENGTH)
      issues.push({ pointer: '/description', detail: `must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters` });
    else edit.description = input.description;
  }
  if (input.defaultEnabled !== undefined) {
    if (typeof input.defaultEnabled !== 'boolean') issues.push({ pointer: '/defaultEnabled', detail: 'must be true or false' });
    else edit.defaultEnabled = input.defaultEnabled;
  }
  if (input.metadata !== undefined) edit.metadata = readMetadata(issues, input.metadata, '/metadata');
  let variants = feature.variants;
  if (input.variants !== undefined) {
    const given = readVariants(issues, feature.type, input.variants, '/variants');
    if (given) {
      for (const name of Object.keys(feature.variants))
        if (!(name in given)) issues.push({ pointer: `/variants/${name}`, detail: 'a variant cannot be removed: tenants may serve it' });
      variants = edit.variants = given;
    }
  }
  for (const field of ['defaultVariant', 'offVariant'] as const) {
    const name = input[field];
    if (name === undefined) continue;
    if (typeof name !== 'string' || !(name in variants)) issues.push({ pointer: `/${field}`, detail: 'must name one of the variants' });
    else edit[field] = name;
  }
  if (issues.length > 0) throw invalidFields(issues);
  return edit;
}
