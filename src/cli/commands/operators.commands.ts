import { OperatorsService } from '../../operators/operators.service.js';
import { requireString, UsageError, type CliCommand } from '../cli-command.js';

export const createOperatorCommand: CliCommand = {
  name: 'operators:create',
  usage: 'operators:create --email E --role viewer|editor|admin --password-stdin',
  summary: 'a person who signs in to the console (the first admin comes from here; the password is read from stdin)',
  options: {
    email: { type: 'string' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  async run(app, input) {
    if (input.options['password-stdin'] !== true) throw new UsageError('--password-stdin is required: pipe the password in');
    const password = (input.stdin ?? '').split(/\r?\n/)[0] ?? '';
    if (!password) throw new UsageError('no password on stdin');
    const operator = await app.get(OperatorsService).create({
      email: requireString(input, 'email'),
      role: requireString(input, 'role'),
      password,
    });
    return {
      json: { id: operator.id, email: operator.email, role: operator.role },
      text: `created operator ${operator.email} (${operator.role}, ${operator.id})`,
    };
  },
};

export const listOperatorsCommand: CliCommand = {
  name: 'operators:list',
  usage: 'operators:list',
  summary: 'every operator with role and status',
  async run(app) {
    const operators = await app.get(OperatorsService).list();
    return {
      json: {
        items: operators.map((operator) => ({
          id: operator.id,
          email: operator.email,
          role: operator.role,
          disabled: operator.disabled,
          createdAt: operator.createdAt.toISOString(),
        })),
      },
      text: operators.length
        ? operators.map((operator) => `${operator.email}\t${operator.role}${operator.disabled ? '\tdisabled' : ''}`).join('\n')
        : 'no operators',
    };
  },
};
