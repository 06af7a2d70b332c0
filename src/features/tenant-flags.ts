import { TaggedBody } from '../infra/http/conditional-read.js';
import type { Tenant } from '../tenants/tenant.js';
import { compileCondition, type Predicate } from './conditions.js';
import { TenantFeatureResponse } from './dto/feature.response.js';
import type { Segment, TenantFeatureState } from './feature.js';
import { compileFlag, type CompiledFlag, type Outcome } from './flag-evaluation.js';

/**
 * One tenant's flags as they stand until the next change of its settings,
 * its segments or the catalogue: built once per change (FeaturesService hands
 * out the same instance until then), so every read of them shares what is
 * derived here, computed on first use: the rendered list the REST reads
 * serve, the lookup by key, and the compiled rules and segments.
 */
export class TenantFlags {
  private renderedList: TaggedBody | undefined;
  private byKey: Map<string, TenantFeatureState> | undefined;
  private segmentPredicates: Map<string, Predicate> | undefined;

  constructor(
    readonly tenant: Pick<Tenant, 'id' | 'slug'>,
    readonly states: readonly TenantFeatureState[],
    readonly segments: readonly Segment[] = [],
  ) {}

  /** GET /tenants/{slug}/features and /me/features: the bytes and their ETag. */
  get list(): TaggedBody {
    this.renderedList ??= new TaggedBody(JSON.stringify(TenantFeatureResponse.list(this.tenant, this.states)));
    return this.renderedList;
  }

  find(key: string): TenantFeatureState | undefined {
    this.byKey ??= new Map(this.states.map((state) => [state.key, state]));
    return this.byKey.get(key);
  }

  /** True when no flag that is on has rules or a rollout: every user of the tenant gets the same answers. */
  get contextFree(): boolean {
    return this.states.every((state) => !state.enabled || (state.rules.length === 0 && state.rollout === null));
  }

  /** Each flag compiled, its possible answers rendered once by `render`, in the order of `states`. */
  compile<Answer>(render: (state: TenantFeatureState, outcome: Outcome) => Answer): CompiledFlag<Answer>[] {
    this.segmentPredicates ??= new Map(this.segments.map((segment) => [segment.key, compileCondition(segment.when, new Map())]));
    const segments = this.segmentPredicates;
    return this.states.map((state) =>
      compileFlag(
        { key: state.key, variants: state.variants, offVariant: state.offVariant },
        { enabled: state.enabled, variant: state.onVariant, rules: state.rules, rollout: state.rollout },
        segments,
        (outcome) => render(state, outcome),
      ),
    );
  }
}
