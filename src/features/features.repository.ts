import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/control/client.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { Feature as FeatureRow } from '../generated/control/client.js';
import type { Feature } from './feature.js';
import type { FeatureType, FlagValue } from './flag-evaluation.js';

function toFeature(row: FeatureRow): Feature {
  const type = row.type as FeatureType;
  return {
    key: row.key,
    description: row.description,
    type,
    defaultEnabled: row.defaultEnabled,
    defaultValue: type === 'boolean' ? false : (row.defaultValue as FlagValue),
    createdAt: row.createdAt,
  };
}

/** The feature catalogue, shared by all tenants, in the control plane. */
@Injectable()
export class FeaturesRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Undefined when the key is taken. */
  async create(feature: Omit<Feature, 'createdAt'>): Promise<Feature | undefined> {
    try {
      const row = await this.database.control.feature.create({
        data: { ...feature, defaultValue: feature.type === 'boolean' ? undefined : (feature.defaultValue as Prisma.InputJsonValue) },
      });
      return toFeature(row);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return undefined;
      throw error;
    }
  }

  async list(): Promise<Feature[]> {
    return (await this.database.control.feature.findMany({ orderBy: { key: 'asc' } })).map(toFeature);
  }
}
