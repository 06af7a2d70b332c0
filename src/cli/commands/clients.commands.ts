import type { RegisteredClient } from '../../oidc/client.js';
import { ClientsService } from '../../oidc/clients.service.js';
import { ClientResponse } from '../../oidc/dto/client.response.js';
import { optionalString, requirePositional, requireString, stringList, type CliCommand } from '../cli-command.js';

function describe(client: RegisteredClient): Record<string, unknown> {
  return { ...ClientResponse.from(client) };
}

export const createClientCommand: CliCommand = {
  name: 'clients:create',
  usage:
    'clients:create --name N --grant G [--grant G2] --scope "S1 S2" [--tenant slug] [--public] [--redirect-uri U]... [--post-logout-redirect-uri U]... [--web-origin O]...',
  summary: 'register a client; a confidential client gets a secret, shown once',
  options: {
    name: { type: 'string' },
    grant: { type: 'string', multiple: true },
    scope: { type: 'string', multiple: true },
    tenant: { type: 'string' },
    public: { type: 'boolean' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    'web-origin': { type: 'string', multiple: true },
  },
  async run(app, input) {
    const { client, clientSecret } = await app.get(ClientsService).create({
      name: requireString(input, 'name'),
      grantTypes: stringList(input, 'grant'),
      scopes: stringList(input, 'scope'),
      tenantSlug: optionalString(input, 'tenant'),
      public: input.options.public === true,
      redirectUris: stringList(input, 'redirect-uri'),
      postLogoutRedirectUris: stringList(input, 'post-logout-redirect-uri'),
      webOrigins: stringList(input, 'web-origin'),
    });
    const lines = [`client_id:     ${client.clientId}`];
    if (clientSecret) lines.push(`client_secret: ${clientSecret}`, '', 'Store the secret now: it is not stored and cannot be shown again.');
    return { json: { ...describe(client), ...(clientSecret ? { clientSecret } : {}) }, text: lines.join('\n') };
  },
};

export const listClientsCommand: CliCommand = {
  name: 'clients:list',
  usage: 'clients:list [--tenant slug]',
  summary: 'registered clients (all, or one tenant’s)',
  options: { tenant: { type: 'string' } },
  async run(app, input) {
    const clients = await app.get(ClientsService).list(optionalString(input, 'tenant'));
    return {
      json: { clients: clients.map(describe) },
      text: clients.length
        ? clients
            .map(
              (client) =>
                `${client.clientId}\t${client.tenantSlug ?? '(platform)'}\t${client.confidential ? 'confidential' : 'public'}\t${client.name}`,
            )
            .join('\n')
        : 'no clients',
    };
  },
};

export const deleteClientCommand: CliCommand = {
  name: 'clients:delete',
  usage: 'clients:delete <clientId>',
  summary: 'remove a client; its tokens stop being issued',
  async run(app, input) {
    const clientId = requirePositional(input, 0, 'clientId');
    await app.get(ClientsService).delete(clientId);
    return { json: { deleted: clientId }, text: `deleted client ${clientId}` };
  },
};
