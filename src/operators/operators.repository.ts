import { Injectable } from '@nestjs/common';
import { Prisma, type Operator as OperatorRow } from '../generated/control/client.js';
import type { OperatorRole } from '../auth/console-roles.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { Operator } from './operator.js';

function toOperator(row: OperatorRow): Operator {
  return {
    id: row.id,
    email: row.email,
    role: row.role as OperatorRole,
    disabled: row.disabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export interface NewOperator {
  id: string;
  email: string;
  role: OperatorRole;
  passwordHash: string;
}

/** Operators live in the control plane. */
@Injectable()
export class OperatorsRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Undefined when the email is taken. */
  async create(operator: NewOperator): Promise<Operator | undefined> {
    try {
      return toOperator(await this.database.control.operator.create({ data: operator }));
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return undefined;
      throw error;
    }
  }

  async findById(id: string): Promise<Operator | undefined> {
    const row = await this.database.control.operator.findUnique({ where: { id } });
    return row ? toOperator(row) : undefined;
  }

  async findCredentials(email: string): Promise<(Operator & { passwordHash: string }) | undefined> {
    const row = await this.database.control.operator.findUnique({ where: { email } });
    return row ? { ...toOperator(row), passwordHash: row.passwordHash } : undefined;
  }

  async list(): Promise<Operator[]> {
    return (await this.database.control.operator.findMany({ orderBy: { email: 'asc' } })).map(toOperator);
  }

  async update(id: string, change: { role?: OperatorRole; disabled?: boolean }): Promise<Operator | undefined> {
    const { count } = await this.database.control.operator.updateMany({ where: { id }, data: change });
    return count > 0 ? this.findById(id) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.database.control.operator.deleteMany({ where: { id } });
    return count > 0;
  }

  countActiveAdmins(): Promise<number> {
    return this.database.control.operator.count({ where: { role: 'admin', disabled: false } });
  }
}
