import { Controller, Get, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { ProtocolBody, ProtocolQueries } from '../infra/http/validation.js';
import { ConsoleApi, problemOf, type ApiAnswer } from './console-api.service.js';
import { CurrentSession, formField, formFields, redirect, sendPage } from './console-http.js';
import { ConsolePagesFilter } from './console-pages.filter.js';
import { noticeOf, refusedPage, segment, withNotice } from './console-pages.js';
import type { ConsoleSession } from './console-session.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { clientSecretPage, clientsPage, type ClientItem } from './views/clients.views.js';
import { operatorsPage, type OperatorItem } from './views/operators.views.js';
import { usersPage, type UserItem } from './views/people.views.js';

type Messages = { notice?: string; error?: string; errors?: { field: string; messages: string[] }[] };

function failure(answer: ApiAnswer<unknown>): Messages {
  const problem = problemOf(answer);
  return { error: problem.detail ?? problem.title ?? 'The change was refused.', errors: problem.errors };
}

/** A tenant's users and clients, and the operators; through the public API as the person. */
@ApiExcludeController()
@Public()
@Controller('console')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsolePagesFilter)
export class ConsolePeopleController {
  constructor(private readonly api: ConsoleApi) {}

  @Get('tenants/:slug/users')
  async showTenantUsers(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolQueries() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.renderUsers(session, reply, slug, { notice: noticeOf(query) });
  }

  @Post('tenants/:slug/users')
  async createTenantUser(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const email = formField(body, 'email').trim();
    const name = formField(body, 'name').trim();
    const answer = await this.api.call(session, 'POST', `/api/v1/tenants/${segment(slug)}/users`, {
      body: { email, password: formField(body, 'password'), role: formField(body, 'role') || 'member', ...(name ? { name } : {}) },
    });
    if (answer.status === 201) return redirect(reply, withNotice(`/console/tenants/${segment(slug)}/users`, 'user-created', email));
    await this.renderUsers(session, reply, slug, failure(answer), answer.status);
  }

  @Post('tenants/:slug/users/:id')
  async updateTenantUser(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @Param('id') id: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.api.call<UserItem>(session, 'PATCH', `/api/v1/tenants/${segment(slug)}/users/${segment(id)}`, {
      body: { role: formField(body, 'role'), disabled: formField(body, 'disabled') === 'true' },
    });
    if (answer.status === 200)
      return redirect(reply, withNotice(`/console/tenants/${segment(slug)}/users`, 'user-updated', answer.body.email));
    await this.renderUsers(session, reply, slug, failure(answer), answer.status);
  }

  @Post('tenants/:slug/users/:id/delete')
  async deleteTenantUser(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @Param('id') id: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.api.call(session, 'DELETE', `/api/v1/tenants/${segment(slug)}/users/${segment(id)}`);
    if (answer.status === 204)
      return redirect(reply, withNotice(`/console/tenants/${segment(slug)}/users`, 'user-deleted', formField(body, 'email')));
    await this.renderUsers(session, reply, slug, failure(answer), answer.status);
  }

  @Get('tenants/:slug/clients')
  async showTenantClients(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolQueries() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.renderClients(session, reply, slug, { notice: noticeOf(query) });
  }

  @Post('tenants/:slug/clients')
  async createTenantClient(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const redirectUri = formField(body, 'redirectUri').trim();
    const answer = await this.api.call<ClientItem & { clientSecret?: string }>(session, 'POST', '/api/v1/clients', {
      body: {
        name: formField(body, 'name').trim(),
        tenant: slug,
        grantTypes: formFields(body, 'grant'),
        scopes: formField(body, 'scopes').split(' ').filter(Boolean),
        public: formField(body, 'public') === 'on',
        ...(redirectUri ? { redirectUris: [redirectUri] } : {}),
      },
    });
    if (answer.status !== 201) return this.renderClients(session, reply, slug, failure(answer), answer.status);
    if (!answer.body.clientSecret) return redirect(reply, `/console/tenants/${segment(slug)}/clients`);
    sendPage(reply, 201, clientSecretPage(session, slug, answer.body, answer.body.clientSecret, false));
  }

  @Post('tenants/:slug/clients/:clientId/rotate')
  async rotateTenantClientSecret(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @Param('clientId') clientId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!(await this.clientOfTenant(session, reply, slug, clientId))) return;
    const answer = await this.api.call<ClientItem & { clientSecret: string }>(
      session,
      'POST',
      `/api/v1/clients/${segment(clientId)}/secret`,
    );
    if (answer.status !== 201) return this.renderClients(session, reply, slug, failure(answer), answer.status);
    sendPage(reply, 200, clientSecretPage(session, slug, answer.body, answer.body.clientSecret, true));
  }

  @Post('tenants/:slug/clients/:clientId/delete')
  async deleteTenantClient(
    @CurrentSession() session: ConsoleSession,
    @Param('slug') slug: string,
    @Param('clientId') clientId: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!(await this.clientOfTenant(session, reply, slug, clientId))) return;
    const answer = await this.api.call(session, 'DELETE', `/api/v1/clients/${segment(clientId)}`);
    if (answer.status === 204)
      return redirect(reply, withNotice(`/console/tenants/${segment(slug)}/clients`, 'client-deleted', formField(body, 'name')));
    await this.renderClients(session, reply, slug, failure(answer), answer.status);
  }

  @Get('operators')
  async showOperators(
    @CurrentSession() session: ConsoleSession,
    @ProtocolQueries() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.renderOperators(session, reply, { notice: noticeOf(query) });
  }

  @Post('operators')
  async createOperator(
    @CurrentSession() session: ConsoleSession,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const email = formField(body, 'email').trim();
    const answer = await this.api.call(session, 'POST', '/api/v1/operators', {
      body: { email, role: formField(body, 'role'), password: formField(body, 'password') },
    });
    if (answer.status === 201) return redirect(reply, withNotice('/console/operators', 'operator-created', email));
    await this.renderOperators(session, reply, failure(answer), answer.status);
  }

  @Post('operators/:id')
  async updateOperator(
    @CurrentSession() session: ConsoleSession,
    @Param('id') id: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.api.call<OperatorItem>(session, 'PATCH', `/api/v1/operators/${segment(id)}`, {
      body: { role: formField(body, 'role'), disabled: formField(body, 'disabled') === 'true' },
    });
    if (answer.status === 200) return redirect(reply, withNotice('/console/operators', 'operator-updated', answer.body.email));
    await this.renderOperators(session, reply, failure(answer), answer.status);
  }

  @Post('operators/:id/delete')
  async deleteOperator(
    @CurrentSession() session: ConsoleSession,
    @Param('id') id: string,
    @ProtocolBody() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const answer = await this.api.call(session, 'DELETE', `/api/v1/operators/${segment(id)}`);
    if (answer.status === 204) return redirect(reply, withNotice('/console/operators', 'operator-deleted', formField(body, 'email')));
    await this.renderOperators(session, reply, failure(answer), answer.status);
  }

  /** A client is changed from a tenant's page only when it is that tenant's (the API checks the token's tenant too). */
  private async clientOfTenant(session: ConsoleSession, reply: FastifyReply, slug: string, clientId: string): Promise<boolean> {
    const client = await this.api.call<ClientItem>(session, 'GET', `/api/v1/clients/${segment(clientId)}`);
    if (refusedPage(reply, client)) return false;
    if (client.body.tenant !== slug)
      return !refusedPage(reply, { status: 404, body: { detail: `No client ${clientId} in ${slug}.` }, headers: {} });
    return true;
  }

  private async renderUsers(session: ConsoleSession, reply: FastifyReply, slug: string, messages: Messages, status = 200): Promise<void> {
    const answer = await this.api.call<{ items: UserItem[] }>(session, 'GET', `/api/v1/tenants/${segment(slug)}/users`);
    if (refusedPage(reply, answer)) return;
    sendPage(reply, status, usersPage(session, slug, answer.body.items, messages));
  }

  private async renderClients(session: ConsoleSession, reply: FastifyReply, slug: string, messages: Messages, status = 200): Promise<void> {
    const answer = await this.api.call<{ items: ClientItem[] }>(session, 'GET', `/api/v1/clients?tenant=${segment(slug)}`);
    if (refusedPage(reply, answer)) return;
    sendPage(reply, status, clientsPage(session, slug, answer.body.items, messages));
  }

  private async renderOperators(session: ConsoleSession, reply: FastifyReply, messages: Messages, status = 200): Promise<void> {
    const answer = await this.api.call<{ items: OperatorItem[] }>(session, 'GET', '/api/v1/operators');
    if (refusedPage(reply, answer)) return;
    sendPage(reply, status, operatorsPage(session, answer.body.items, messages));
  }
}
