import { Controller, Get, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { ProtocolBody, ProtocolQueries } from '../infra/http/validation.js';
import { ConsoleApi, problemOf } from './console-api.service.js';
import { CurrentSession, formField, redirect, sendPage } from './console-http.js';
import { ConsolePagesFilter } from './console-pages.filter.js';
import { noticeOf, refusedPage, segment, withNotice } from './console-pages.js';
import type { ConsoleSession } from './console-session.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { cataloguePage, featureOverridesPage, type CatalogueItem } from './views/catalogue.views.js';

function defaultValueOf(type: string, text: string): { value?: unknown; error?: string } {
  if (type === 'boolean' || text.trim() === '') return {};
  if (type === 'string') return { value: text };
  if (type === 'number') return Number.isFinite(Number(text)) ? { value: Number(text) } : { error: 'must be a number' };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: 'must be valid JSON' };
  }
}

/** The flag catalogue (operators): create flags, see which tenants override one. */
@ApiExcludeController()
@Public()
@Controller('console/flags')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsolePagesFilter)
export class ConsoleCatalogueController {
  constructor(private readonly api: ConsoleApi) {}

  @Get()
  async showCatalogue(
    @CurrentSession() session: ConsoleSession,
    @ProtocolQueries() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.render(session, reply, { notice: noticeOf(query) });
  }

  @Post()
  async createFlag(@CurrentSession() session: ConsoleSession, @ProtocolBody() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const type = formField(body, 'type') || 'boolean';
    const key = formField(body, 'key').trim();
    const defaultValue = defaultValueOf(type, formField(body, 'defaultValue'));
    if (defaultValue.error) {
      return this.render(
        session,
        reply,
        { error: 'Check the form.', errors: [{ field: 'defaultValue', messages: [defaultValue.error] }] },
        400,
      );
    }
    const objects: Record<string, unknown> = {};
    for (const field of ['variants', 'metadata']) {
      const text = formField(body, field).trim();
      if (!text) continue;
      try {
        objects[field] = JSON.parse(text);
      } catch {
        return this.render(session, reply, { error: 'Check the form.', errors: [{ field, messages: ['must be a JSON object'] }] }, 400);
      }
    }
    const named = (field: string): Record<string, string> =>
      formField(body, field).trim() ? { [field]: formField(body, field).trim() } : {};
    const answer = await this.api.call(session, 'POST', '/api/v1/features', {
      body: {
        key,
        description: formField(body, 'description').trim(),
        type,
        defaultEnabled: formField(body, 'defaultEnabled') === 'on',
        ...('value' in defaultValue && !objects.variants ? { defaultValue: defaultValue.value } : {}),
        ...objects,
        ...named('defaultVariant'),
        ...named('offVariant'),
      },
    });
    if (answer.status === 201) return redirect(reply, withNotice('/console/flags', 'flag-created', key));
    const problem = problemOf(answer);
    await this.render(session, reply, { error: problem.detail ?? problem.title, errors: problem.errors }, answer.status);
  }

  @Get(':key')
  async showFlagOverrides(@CurrentSession() session: ConsoleSession, @Param('key') key: string, @Res() reply: FastifyReply): Promise<void> {
    const [catalogue, overrides] = await Promise.all([
      this.api.call<{ items: CatalogueItem[] }>(session, 'GET', '/api/v1/features'),
      this.api.call<{ items: { tenant: string; enabled: boolean; updatedAt: string | null }[] }>(
        session,
        'GET',
        `/api/v1/features/${segment(key)}/overrides`,
      ),
    ]);
    if (refusedPage(reply, catalogue) || refusedPage(reply, overrides)) return;
    const feature = catalogue.body.items.find((item) => item.key === key);
    if (!feature) return void refusedPage(reply, { status: 404, body: { detail: `No flag ${key}.` }, headers: {} });
    sendPage(reply, 200, featureOverridesPage(session, feature, overrides.body.items));
  }

  private async render(
    session: ConsoleSession,
    reply: FastifyReply,
    messages: { notice?: string; error?: string; errors?: { field: string; messages: string[] }[] },
    status = 200,
  ): Promise<void> {
    const answer = await this.api.call<{ items: CatalogueItem[] }>(session, 'GET', '/api/v1/features');
    if (refusedPage(reply, answer)) return;
    sendPage(reply, status, cataloguePage(session, answer.body.items, messages));
  }
}
