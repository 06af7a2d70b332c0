import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal.js';
import { FeaturesService } from '../features.service.js';
import { evaluateState, flagNotFound, readContext, type OfrepEvaluation } from './ofrep-evaluation.js';

export interface BulkEvaluation {
  flags: OfrepEvaluation[];
  metadata: { tenant: string };
}

/**
 * OpenFeature Remote Evaluation: a tenant application's flags, evaluated for
 * the tenant its token acts for. The evaluation context can target users
 * within that tenant; it can never name another tenant.
 */
@Injectable()
export class OfrepService {
  constructor(private readonly features: FeaturesService) {}

  async evaluate(principal: Principal, key: string, body: unknown): Promise<OfrepEvaluation> {
    readContext(body, key);
    const { states } = await this.features.listOwnFeatures(principal);
    const state = states.find((candidate) => candidate.key === key);
    if (!state) throw flagNotFound(key);
    return evaluateState(state);
  }

  async evaluateAll(principal: Principal, body: unknown): Promise<BulkEvaluation> {
    readContext(body);
    const { tenant, states } = await this.features.listOwnFeatures(principal);
    return { flags: states.map(evaluateState), metadata: { tenant: tenant.slug } };
  }
}
