import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/control/client.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { Feature as FeatureRow } from '../generated/control/client.js';
import type { Feature } from './feature.js';
import type { FeatureType, FlagMetadata, Variants } from './flag-evaluation.js';

function toFeature(row: FeatureRow): Feature {
  const variants = row.variants as Variants;
  return {
    key: row.key,
    description: row.description,
    type: row.type as FeatureType,
    defaultEnabled: row.defaultEnabled,
    variants,
    defaultVariant: row.defaultVariant,
    offVariant: row.offVariant,
    metadata: row.metadata as FlagMetadata,
    defaultValue: variants[row.offVariant]!,
    createdAt: row.createdAt,
  };
}

export type FeatureDraft = Omit<Feature, 'createdAt' | 'defaultValue'>;
export type FeatureEdit = Partial<
  Pick<Feature, 'description' | 'defaultEnabled' | 'variants' | 'defaultVariant' | 'offVariant' | 'metadata'>
>;

const json = (value: unknown): Prisma.InputJsonValue => value as Prisma.InputJsonValue;

/** The feature catalogue, shared by all tenants, in the control plane. */
@Injectable()
export class FeaturesRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Undefined when the key is taken. */
  async create(feature: FeatureDraft): Promise<Feature | undefined> {
    try {
      const row = await this.database.control.feature.create({
        data: {
          ...feature,
          variants: json(feature.variants),
          metadata: json(feature.metadata),
          // Kept for readers of before 0.6.0: what the flag serves when off.
          defaultValue: feature.type === 'boolean' ? undefined : json(feature.variants[feature.offVariant]),
        },
      });
      return toFeature(row);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return undefined;
      throw error;
    }
  }

  /** Undefined when no feature has the key. */
  async update(key: string, edit: FeatureEdit): Promise<Feature | undefined> {
    const { variants, metadata, ...rest } = edit;
    const updated = await this.database.control.feature.updateMany({
      where: { key },
      data: {
        ...rest,
        ...(variants ? { variants: json(variants) } : {}),
        ...(metadata ? { metadata: json(metadata) } : {}),
      },
    });
    if (updated.count === 0) return undefined;
    return toFeature((await this.database.control.feature.findUnique({ where: { key } }))!);
  }

  async list(): Promise<Feature[]> {
    return (await this.database.control.feature.findMany({ orderBy: { key: 'asc' } })).map(toFeature);
  }
}
