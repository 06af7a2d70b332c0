import { SegmentResponse } from '../../features/dto/feature.response.js';
import { SegmentsService } from '../../features/segments.service.js';
import { optionalString, requirePositional, requireString, UsageError, type CliCommand } from '../cli-command.js';
import { cliActor, jsonOption, usableTenant } from './features.commands.js';

export const setSegmentCommand: CliCommand = {
  name: 'segments:set',
  usage: 'segments:set <tenant> <key> --when JSON [--description D]',
  summary: "create or replace a tenant's segment (a named condition flag rules refer to)",
  options: { when: { type: 'string' }, description: { type: 'string' } },
  async run(app, input) {
    const tenant = await usableTenant(app, requirePositional(input, 0, 'tenant'));
    const key = requirePositional(input, 1, 'key');
    const when = jsonOption(requireString(input, 'when'), 'when');
    const description = optionalString(input, 'description');
    if (description !== undefined && description.length > 500) throw new UsageError('--description must be at most 500 characters');
    const { segment, created } = await app.get(SegmentsService).putSegment(tenant, key, { description, when }, cliActor());
    return {
      json: { ...SegmentResponse.from(segment), created },
      text: `tenant ${tenant.slug}: segment ${segment.key} ${created ? 'created' : 'replaced'}: ${JSON.stringify(segment.when)}`,
    };
  },
};

export const listSegmentsCommand: CliCommand = {
  name: 'segments:list',
  usage: 'segments:list <tenant>',
  summary: "a tenant's segments",
  async run(app, input) {
    const tenant = await usableTenant(app, requirePositional(input, 0, 'tenant'));
    const segments = await app.get(SegmentsService).listSegments(tenant);
    return {
      json: { tenant: tenant.slug, items: segments.map(SegmentResponse.from) },
      text: segments.length
        ? segments.map((segment) => `${segment.key}\t${JSON.stringify(segment.when)}\t${segment.description}`).join('\n')
        : 'no segments',
    };
  },
};
