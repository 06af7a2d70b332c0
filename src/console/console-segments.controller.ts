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
import { segmentsPage, type SegmentItem } from './views/segments.views.js';

/** A tenant's segments (named conditions its flags' rules refer to), through the segments API as the person. */
@ApiExcludeController()
@Public()
@Controller('console/tenants/:slug/segments')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsolePagesFilter)
export class ConsoleSegmentsController {
  constructor(private readonly api: ConsoleApi) {}

  @Get()
  async showTenantSegments(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolQueries() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.renderSegments(session, reply, slug, { notice: noticeOf(query) });
  }

  @Post()
  async saveTenantSegment(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const values = {
      key: formField(body, 'key').trim(),
      description: formField(body, 'description').trim(),
      when: formField(body, 'when'),
    };
    let when: unknown;
    try {
      when = JSON.parse(values.when);
    } catch {
      return this.renderSegments(
        session,
        reply,
        slug,
        { values, error: 'Check the form.', errors: [{ field: 'when', messages: ['must be valid JSON (a condition)'] }] },
        400,
      );
    }
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(values.key)) {
      return this.renderSegments(
        session,
        reply,
        slug,
        {
          values,
          error: 'Check the form.',
          errors: [{ field: 'key', messages: ['must be 1 to 64 letters, digits, dots, underscores or hyphens'] }],
        },
        400,
      );
    }
    const answer = await this.api.call(session, 'PUT', `/api/v1/tenants/${segment(slug)}/segments/${segment(values.key)}`, {
      body: { description: values.description, when },
    });
    if (answer.status < 300) return redirect(reply, withNotice(`/console/tenants/${segment(slug)}/segments`, 'segment-saved', values.key));
    const problem = problemOf(answer);
    await this.renderSegments(
      session,
      reply,
      slug,
      { values, error: problem.detail ?? problem.title, errors: problem.errors },
      answer.status,
    );
  }

  @Post(':key/delete')
  async deleteTenantSegment(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.api.call(session, 'DELETE', `/api/v1/tenants/${segment(slug)}/segments/${segment(key)}`);
    if (answer.status < 300) return redirect(reply, withNotice(`/console/tenants/${segment(slug)}/segments`, 'segment-deleted', key));
    await this.renderSegments(
      session,
      reply,
      slug,
      { error: problemOf(answer).detail ?? 'The segment could not be deleted.' },
      answer.status,
    );
  }

  private async renderSegments(
    session: ConsoleSession,
    reply: FastifyReply,
    slug: string,
    messages: Parameters<typeof segmentsPage>[3],
    status = 200,
  ): Promise<void> {
    const answer = await this.api.call<{ items: SegmentItem[] }>(session, 'GET', `/api/v1/tenants/${segment(slug)}/segments`);
    if (refusedPage(reply, answer)) return;
    sendPage(reply, status, segmentsPage(session, slug, answer.body.items, messages));
  }
}
