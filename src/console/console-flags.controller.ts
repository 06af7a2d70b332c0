import { Controller, Get, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { ProtocolBody, ProtocolQueries } from '../infra/http/validation.js';
import { ConsoleApi, problemOf, type ApiAnswer } from './console-api.service.js';
import { CurrentSession, formField, redirect, sendPage } from './console-http.js';
import { ConsolePagesFilter } from './console-pages.filter.js';
import { noticeOf, refusedPage, segment, withNotice } from './console-pages.js';
import type { ConsoleSession } from './console-session.js';
import { may } from './console-session.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { auditPage, type ChangeItem } from './views/audit.views.js';
import { flagPage, flagsPage, formValuesOf, type FlagFormValues, type FlagItem, type TenantSettings } from './views/flags.views.js';

const AUDIT_PAGE_SIZE = 20;

/** What the person typed, as the API's body; a parse error is shown in the form rather than sent. */
function bodyOf(values: FlagFormValues): { body?: Record<string, unknown>; errors: { field: string; messages: string[] }[] } {
  const errors: { field: string; messages: string[] }[] = [];
  let rules: unknown = [];
  try {
    rules = values.rules.trim() === '' ? [] : JSON.parse(values.rules);
    if (!Array.isArray(rules)) errors.push({ field: 'rules', messages: ['must be a JSON list of rules'] });
  } catch {
    errors.push({ field: 'rules', messages: ['must be valid JSON (a list of rules)'] });
  }
  const shares = Object.entries(values.weights).filter(([, weight]) => weight.trim() !== '');
  const rollout = shares.map(([variant, weight]) => ({ variant, weight: Number(weight) }));
  for (const share of rollout) {
    if (!Number.isFinite(share.weight) || share.weight < 0)
      errors.push({ field: `rollout.${share.variant}`, messages: ['must be a weight of 0 or more'] });
  }
  if (rollout.length && rollout.every((share) => share.weight === 0))
    errors.push({ field: 'rollout', messages: ['needs at least one weight above 0'] });
  return errors.length
    ? { errors }
    : { body: { enabled: values.enabled, variant: values.variant, rules, rollout: rollout.length ? rollout : null }, errors };
}

function valuesFromForm(body: unknown, flag: FlagItem): FlagFormValues {
  const weights: Record<string, string> = {};
  for (const name of Object.keys(flag.variants)) weights[name] = formField(body, `weight.${name}`);
  return { enabled: formField(body, 'enabled') === 'on', variant: formField(body, 'variant'), rules: formField(body, 'rules'), weights };
}

/** A tenant's flags, one flag's form, live updates and the audit trail; all through the public API as the person. */
@ApiExcludeController()
@Public()
@Controller('console/tenants/:slug')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsolePagesFilter)
export class ConsoleFlagsController {
  constructor(private readonly api: ConsoleApi) {}

  @Get('flags')
  async showTenantFlags(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolQueries() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.renderFlags(session, reply, slug, { notice: noticeOf(query) });
  }

  /** A stream ticket for the page's EventSource (the ticket names the tenant; it is not a token). */
  @Get('flags/stream')
  async issueFlagStream(@CurrentSession() session: ConsoleSession, @Param('slug') slug: string, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.api.call<{ url: string }>(session, 'POST', `/api/v1/tenants/${segment(slug)}/feature-events/tickets`);
    void reply
      .code(answer.status)
      .header('Cache-Control', 'no-store')
      .type(answer.status === 201 ? 'application/json' : 'application/problem+json')
      .send(answer.status === 201 ? { url: answer.body.url } : problemOf(answer));
  }

  /** On/off from the list; refused with the news when the flag changed since the person saw it. */
  @Post('flags/:key/toggle')
  async toggleTenantFlag(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const path = `/api/v1/tenants/${segment(slug)}/features/${segment(key)}`;
    const current = await this.api.call<FlagItem>(session, 'GET', path);
    if (refusedPage(reply, current)) return;
    const target = formField(body, 'enabled') === 'true';
    const seen = formField(body, 'seen');
    if ((current.body.updatedAt ?? '') !== seen) {
      return this.renderFlags(session, reply, slug, { error: this.conflictMessage(key, current.body, target) }, 412);
    }
    const answer = await this.api.call(session, 'POST', `${path}/${target ? 'enable' : 'disable'}`, {
      headers: { 'if-match': current.headers.etag ?? '*' },
    });
    if (answer.status === 200) return redirect(reply, `/console/tenants/${segment(slug)}/flags`);
    if (answer.status === 412) {
      const latest = await this.api.call<FlagItem>(session, 'GET', path);
      return this.renderFlags(session, reply, slug, { error: this.conflictMessage(key, latest.body, target) }, 412);
    }
    return this.renderFlags(session, reply, slug, { error: problemOf(answer).detail ?? 'The change was refused.' }, answer.status);
  }

  @Get('flags/:key')
  async showTenantFlag(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.api.call<FlagItem>(session, 'GET', `/api/v1/tenants/${segment(slug)}/features/${segment(key)}`);
    if (refusedPage(reply, answer)) return;
    sendPage(
      reply,
      200,
      flagPage({ session, slug, flag: answer.body, etag: answer.headers.etag ?? '', values: formValuesOf(answer.body) }),
    );
  }

  /** The whole setting; If-Match is the version the form was opened on, so a concurrent change is a 412: theirs shown, yours kept. */
  @Post('flags/:key')
  async saveTenantFlag(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const path = `/api/v1/tenants/${segment(slug)}/features/${segment(key)}`;
    const current = await this.api.call<FlagItem>(session, 'GET', path);
    if (refusedPage(reply, current)) return;
    const values = valuesFromForm(body, current.body);
    const etag = formField(body, 'etag');
    const parsed = bodyOf(values);
    if (!parsed.body) {
      return sendPage(
        reply,
        400,
        flagPage({ session, slug, flag: current.body, etag, values, error: 'Check the highlighted fields.', errors: parsed.errors }),
      );
    }
    const answer = await this.api.call(session, 'PUT', path, { body: parsed.body, headers: etag ? { 'if-match': etag } : {} });
    if (answer.status === 200) return redirect(reply, withNotice(`/console/tenants/${segment(slug)}/flags`, 'flag-saved', key));
    if (answer.status === 412) {
      return sendPage(
        reply,
        412,
        flagPage({
          session,
          slug,
          flag: current.body,
          etag: current.headers.etag ?? '',
          values,
          theirs: current.body,
          error: 'Not saved: someone changed this flag since you opened it.',
        }),
      );
    }
    const problem = problemOf(answer);
    sendPage(
      reply,
      answer.status,
      flagPage({ session, slug, flag: current.body, etag, values, error: problem.detail ?? problem.title, errors: problem.errors }),
    );
  }

  @Get('audit')
  async showTenantAudit(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolQueries() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const key = typeof query.key === 'string' && query.key !== '' ? query.key : undefined;
    const cursor = typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : undefined;
    const params = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE), ...(key ? { key } : {}), ...(cursor ? { cursor } : {}) });
    const [changes, flags] = await Promise.all([
      this.api.call<{ items: ChangeItem[]; nextCursor: string | null }>(
        session,
        'GET',
        `/api/v1/tenants/${segment(slug)}/feature-changes?${params.toString()}`,
      ),
      this.api.call<{ items: FlagItem[] }>(session, 'GET', `/api/v1/tenants/${segment(slug)}/features`),
    ]);
    if (changes.status === 400 && flags.status === 200) {
      return sendPage(
        reply,
        400,
        auditPage(
          session,
          slug,
          { items: [], nextCursor: null },
          flags.body.items.map((flag) => flag.key),
          { key, cursor },
          problemOf(changes).detail,
        ),
      );
    }
    if (refusedPage(reply, changes) || refusedPage(reply, flags)) return;
    sendPage(
      reply,
      200,
      auditPage(
        session,
        slug,
        changes.body,
        flags.body.items.map((flag) => flag.key),
        { key, cursor },
      ),
    );
  }

  private conflictMessage(key: string, theirs: FlagItem, target: boolean): string {
    return `Not changed: someone changed ${key} since you loaded this page. It is now ${theirs.enabled ? 'on' : 'off'} (you wanted it ${target ? 'on' : 'off'}); the list below shows it as it is now.`;
  }

  private async renderFlags(
    session: ConsoleSession,
    reply: FastifyReply,
    slug: string,
    messages: { notice?: string; error?: string },
    status = 200,
  ): Promise<void> {
    const flags = await this.api.call<{ items: FlagItem[] }>(session, 'GET', `/api/v1/tenants/${segment(slug)}/features`);
    if (refusedPage(reply, flags)) return;
    let settings: TenantSettings | undefined;
    if (session.person.kind === 'operator' && may(session, 'tenants:read')) {
      const tenant: ApiAnswer<TenantSettings> = await this.api.call<TenantSettings>(session, 'GET', `/api/v1/tenants/${segment(slug)}`);
      settings = tenant.status === 200 ? tenant.body : undefined;
    }
    sendPage(reply, status, flagsPage(session, slug, flags.body.items, settings, messages));
  }
}
