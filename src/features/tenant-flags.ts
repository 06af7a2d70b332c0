import { TaggedBody } from '../infra/http/conditional-read.js';
import type { Tenant } from '../tenants/tenant.js';
import { TenantFeatureResponse } from './dto/feature.response.js';
import type { TenantFeatureState } from './feature.js';

/**
 * One tenant's flags as they stand until the next change of its settings or
 * of the catalogue: built once per change (FeaturesService hands out the same
 * instance until then), so every read of them shares what is derived here,
 * computed on first use: the rendered list the REST reads serve, and the
 * lookup by key.
 */
export class TenantFlags {
  private renderedList: TaggedBody | undefined;
  private byKey: Map<string, TenantFeatureState> | undefined;

  constructor(
    readonly tenant: Pick<Tenant, 'id' | 'slug'>,
    readonly states: readonly TenantFeatureState[],
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

  /** True when no flag has rules or a rollout: every user of the tenant gets the same answers. */
  get contextFree(): boolean {
    return this.states.every((state) => state.rules.length === 0 && state.rollout === null);
  }
}
