import { Controller, Get, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { ProtocolBody, ProtocolQueries } from '../infra/http/validation.js';
import { ConsoleApi, problemOf } from './console-api.service.js';
import { CurrentSession, formField, redirect, sendPage } from './console-http.js';
import { ConsolePagesFilter } from './console-pages.filter.js';
import { noticeOf, refusedPage, segment, withNotice } from './console-pages.js';
import { may, type ConsoleSession } from './console-session.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { deleteTenantPage, tenantsPage, type TenantItem, type TenantsQuery } from './views/tenants.views.js';

type TenantPage = { items: TenantItem[]; nextCursor: string | null; total: number };
const PAGE_SIZE = 25;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The tenant registry screens (operators); every change goes through the tenants API with the person's token. */
@ApiExcludeController()
@Public()
@Controller('console/tenants')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsolePagesFilter)
export class ConsoleTenantsController {
  constructor(private readonly api: ConsoleApi) {}

  @Get()
  async showTenants(
    @CurrentSession() session: ConsoleSession,
    @ProtocolQueries() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const filter: TenantsQuery = {
      search: text(query.search),
      placement: text(query.placement),
      status: text(query.status),
      cursor: text(query.cursor),
    };
    await this.render(session, reply, filter, { notice: noticeOf(query) });
  }

  @Post()
  async createTenant(@CurrentSession() session: ConsoleSession, @ProtocolBody() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const slug = formField(body, 'slug').trim();
    const answer = await this.api.call(session, 'POST', '/api/v1/tenants', {
      body: { slug, name: formField(body, 'name').trim(), placement: formField(body, 'placement') || 'isolated' },
    });
    if (answer.status === 201) return redirect(reply, withNotice(`/console/tenants/${segment(slug)}/flags`, 'tenant-created', slug));
    const problem = problemOf(answer);
    await this.render(session, reply, {}, { error: problem.detail ?? problem.title, errors: problem.errors }, answer.status);
  }

  @Post(':slug/suspend')
  suspendTenant(@CurrentSession() session: ConsoleSession, @Param('slug') slug: string, @Res() reply: FastifyReply): Promise<void> {
    return this.change(session, reply, slug, 'POST', `/suspend`, undefined, 'tenant-suspended');
  }

  @Post(':slug/resume')
  resumeTenant(@CurrentSession() session: ConsoleSession, @Param('slug') slug: string, @Res() reply: FastifyReply): Promise<void> {
    return this.change(session, reply, slug, 'POST', `/resume`, undefined, 'tenant-resumed');
  }

  @Post(':slug/move')
  moveTenant(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.change(session, reply, slug, 'POST', `/move`, { placement: formField(body, 'placement') }, 'tenant-moved');
  }

  @Post(':slug/settings')
  updateTenantSettings(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.change(
      session,
      reply,
      slug,
      'PATCH',
      '',
      { adminsMayToggleFlags: formField(body, 'adminsMayToggleFlags') === 'on' },
      'tenant-settings',
      `/console/tenants/${segment(slug)}/flags`,
    );
  }

  @Get(':slug/delete')
  async confirmTenantDeletion(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.api.call<TenantItem>(session, 'GET', `/api/v1/tenants/${segment(slug)}`);
    if (refusedPage(reply, answer)) return;
    if (!may(session, 'tenants:write')) {
      return void refusedPage(reply, { status: 403, body: { detail: 'Your role does not delete tenants.' }, headers: {} });
    }
    sendPage(reply, 200, deleteTenantPage(session, answer.body));
  }

  /** Deleting needs the slug typed again (checked here; the API then decides whether this person may). */
  @Post(':slug/delete')
  async deleteTenant(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const tenant = await this.api.call<TenantItem>(session, 'GET', `/api/v1/tenants/${segment(slug)}`);
    if (refusedPage(reply, tenant)) return;
    if (formField(body, 'confirm').trim() !== tenant.body.slug) {
      return sendPage(reply, 400, deleteTenantPage(session, tenant.body, `Type ${tenant.body.slug} exactly to delete it.`));
    }
    const answer = await this.api.call(session, 'DELETE', `/api/v1/tenants/${segment(slug)}`);
    if (answer.status === 204) return redirect(reply, withNotice('/console/tenants', 'tenant-deleted', slug));
    sendPage(reply, answer.status, deleteTenantPage(session, tenant.body, problemOf(answer).detail ?? 'The tenant could not be deleted.'));
  }

  private async change(
    session: ConsoleSession,
    reply: FastifyReply,
    slug: string,
    method: 'POST' | 'PATCH',
    suffix: string,
    body: unknown,
    notice: string,
    back = '/console/tenants',
  ): Promise<void> {
    const answer = await this.api.call(session, method, `/api/v1/tenants/${segment(slug)}${suffix}`, body === undefined ? {} : { body });
    if (answer.status < 300) return redirect(reply, withNotice(back, notice, slug));
    const problem = problemOf(answer);
    if (back !== '/console/tenants') return void refusedPage(reply, answer);
    await this.render(session, reply, {}, { error: problem.detail ?? problem.title ?? 'The change was refused.' }, answer.status);
  }

  private async render(
    session: ConsoleSession,
    reply: FastifyReply,
    filter: TenantsQuery,
    messages: { notice?: string; error?: string; errors?: { field: string; messages: string[] }[] },
    status = 200,
  ): Promise<void> {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const [name, value] of Object.entries(filter)) if (value) params.set(name, value);
    const answer = await this.api.call<TenantPage>(session, 'GET', `/api/v1/tenants?${params.toString()}`);
    if (answer.status === 400) {
      const empty = { items: [], nextCursor: null, total: 0 };
      return sendPage(reply, 400, tenantsPage(session, empty, filter, { error: problemOf(answer).detail ?? 'This filter is not valid.' }));
    }
    if (refusedPage(reply, answer)) return;
    sendPage(reply, status, tenantsPage(session, answer.body, filter, messages));
  }
}
