import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/control/client.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { Feature } from './feature.js';

/** The feature catalogue, shared by all tenants, in the control plane. */
@Injectable()
export class FeaturesRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Undefined when the key is taken. */
  async create(feature: Omit<Feature, 'createdAt'>): Promise<Feature | undefined> {
    try {
      return await this.database.control.feature.create({ data: feature });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return undefined;
      throw error;
    }
  }

  list(): Promise<Feature[]> {
    return this.database.control.feature.findMany({ orderBy: { key: 'asc' } });
  }
}
