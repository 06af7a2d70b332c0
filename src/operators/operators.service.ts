import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { OPERATOR_ROLES, type OperatorRole } from '../auth/console-roles.js';
import { burnPasswordCheck, hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from '../users/password.js';
import { EMAIL_PATTERN, normalizeEmail } from '../users/user.js';
import type { Operator } from './operator.js';
import { OperatorsError } from './operators.errors.js';
import { OperatorsRepository } from './operators.repository.js';

export interface CreateOperatorCommand {
  email: string;
  role: string;
  password: string;
}

export interface UpdateOperatorCommand {
  role?: string;
  disabled?: boolean;
}

function checkRole(role: string): OperatorRole {
  if (!(OPERATOR_ROLES as readonly string[]).includes(role)) {
    throw new OperatorsError('OPERATOR_INVALID', `role must be one of ${OPERATOR_ROLES.join(', ')}.`);
  }
  return role as OperatorRole;
}

/** Operators: created by the CLI (the first one) and by admins in the console; passwords hashed as tenant users' are. */
@Injectable()
export class OperatorsService {
  private readonly logger = new Logger(OperatorsService.name);

  constructor(private readonly repository: OperatorsRepository) {}

  async create(command: CreateOperatorCommand): Promise<Operator> {
    const email = normalizeEmail(command.email);
    if (!EMAIL_PATTERN.test(email)) throw new OperatorsError('OPERATOR_INVALID', 'email is not a valid address.');
    const role = checkRole(command.role);
    if (command.password.length < PASSWORD_MIN_LENGTH || command.password.length > PASSWORD_MAX_LENGTH) {
      throw new OperatorsError('OPERATOR_INVALID', `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
    }
    const operator = await this.repository.create({ id: randomUUID(), email, role, passwordHash: await hashPassword(command.password) });
    if (!operator) throw new OperatorsError('OPERATOR_EMAIL_TAKEN', `${email} is already an operator.`);
    this.logger.log(`created operator ${operator.id} (${role})`);
    return operator;
  }

  /** The enabled operator whose email and password match, or undefined. Takes as long either way. */
  async authenticate(email: string, password: string): Promise<Operator | undefined> {
    const found = await this.repository.findCredentials(normalizeEmail(email));
    if (!found) {
      await burnPasswordCheck(password);
      return undefined;
    }
    const { passwordHash, ...operator } = found;
    return (await verifyPassword(password, passwordHash)) && !operator.disabled ? operator : undefined;
  }

  find(id: string): Promise<Operator | undefined> {
    return this.repository.findById(id);
  }

  async get(id: string): Promise<Operator> {
    const operator = await this.repository.findById(id);
    if (!operator) throw new OperatorsError('OPERATOR_NOT_FOUND', `No operator has id ${id}.`);
    return operator;
  }

  list(): Promise<Operator[]> {
    return this.repository.list();
  }

  async update(id: string, command: UpdateOperatorCommand): Promise<Operator> {
    const current = await this.get(id);
    const role = command.role === undefined ? undefined : checkRole(command.role);
    const losesAdmin =
      current.role === 'admin' && !current.disabled && ((role !== undefined && role !== 'admin') || command.disabled === true);
    if (losesAdmin) await this.keepOneAdmin();
    const updated = await this.repository.update(id, { role, disabled: command.disabled });
    if (!updated) throw new OperatorsError('OPERATOR_NOT_FOUND', `No operator has id ${id}.`);
    this.logger.log(`updated operator ${id}`);
    return updated;
  }

  async delete(id: string): Promise<void> {
    const current = await this.get(id);
    if (current.role === 'admin' && !current.disabled) await this.keepOneAdmin();
    if (!(await this.repository.delete(id))) throw new OperatorsError('OPERATOR_NOT_FOUND', `No operator has id ${id}.`);
    this.logger.log(`deleted operator ${id}`);
  }

  private async keepOneAdmin(): Promise<void> {
    if ((await this.repository.countActiveAdmins()) <= 1) {
      throw new OperatorsError('OPERATOR_LAST_ADMIN', 'At least one enabled admin must remain.');
    }
  }
}
