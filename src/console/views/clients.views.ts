import type { ConsoleSession } from '../console-session.js';
import { may } from '../console-session.js';
import { markup, type Html } from './html.js';
import { csrfField, layout, problemList } from './layout.js';

type Messages = { notice?: string; error?: string; errors?: { field: string; messages: string[] }[] };

/** As the clients API answers it. */
export interface ClientItem {
  clientId: string;
  name: string;
  tenant: string | null;
  type: 'confidential' | 'public';
  grantTypes: string[];
  scopes: string[];
  redirectUris: string[];
}

export function clientsPage(session: ConsoleSession, slug: string, clients: ClientItem[], messages: Messages = {}): string {
  const base = `/console/tenants/${encodeURIComponent(slug)}/clients`;
  const canWrite = may(session, 'clients:write');
  const rows = clients.map(
    (client) =>
      markup`<tr>
        <th scope="row">
          ${client.name}
          <div class="hint"><code>${client.clientId}</code></div>
        </th>
        <td>${client.type}</td>
        <td>${client.grantTypes.join(', ')}</td>
        <td>${client.scopes.join(' ')}</td>
        ${
          canWrite
            ? markup`<td class="actions">
                ${
                  client.type === 'confidential'
                    ? markup`<form
                        method="post"
                        action="${base}/${encodeURIComponent(client.clientId)}/rotate"
                        data-confirm="Rotate the secret of ${client.name}? The old secret stops working at once."
                      >
                        ${csrfField(session)}<button type="submit" class="secondary">
                          Rotate secret<span class="visually-hidden"> of ${client.name}</span>
                        </button>
                      </form>`
                    : ''
                }
                <form
                  method="post"
                  action="${base}/${encodeURIComponent(client.clientId)}/delete"
                  data-confirm="Delete ${client.name}? Its tokens stop working."
                >
                  ${csrfField(session)}<input type="hidden" name="name" value="${client.name}" /><button type="submit" class="danger">
                    Delete<span class="visually-hidden"> ${client.name}</span>
                  </button>
                </form>
              </td>`
            : ''
        }
      </tr>`,
  );
  const table = clients.length
    ? markup`<div class="table-wrap">
        <table>
          <caption class="visually-hidden">
            Clients of ${slug}
          </caption>
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Kind</th>
              <th scope="col">Grants</th>
              <th scope="col">Scopes</th>
              ${canWrite ? markup`<th scope="col">Change</th>` : ''}
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>`
    : markup`<p class="empty panel">No clients registered for ${slug} yet.</p>`;
  const grant = (value: string, label: string, checked = false): Html =>
    markup`<div class="check">
      <input type="checkbox" id="grant-${value}" name="grant" value="${value}" ${checked ? markup` checked` : ''} /><label
        for="grant-${value}"
        >${label}</label
      >
    </div>`;
  const create = canWrite
    ? markup`<h2 id="create-client">Register a client</h2>
        <form class="stack panel" method="post" action="${base}" aria-labelledby="create-client">
          ${csrfField(session)}${problemList(messages.errors)} <label for="client-name">Name</label
          ><input id="client-name" name="name" type="text" required maxlength="200" />
          <fieldset>
            <legend>Grants</legend>
            ${grant('client_credentials', 'Client credentials (a server)', true)}${grant('authorization_code', 'Authorization code (people sign in)')}${grant('refresh_token', 'Refresh tokens')}
          </fieldset>
          <label for="client-scopes">Scopes</label
          ><input id="client-scopes" name="scopes" type="text" value="features:read" required aria-describedby="client-scopes-hint" />
          <p class="hint" id="client-scopes-hint">Space-separated, e.g. <code>openid email features:read</code>.</p>
          <label for="client-redirect">Redirect URI (for authorization code)</label
          ><input id="client-redirect" name="redirectUri" type="text" inputmode="url" />
          <div class="check">
            <input type="checkbox" id="client-public" name="public" /><label for="client-public"
              >Public client (a browser or mobile app: no secret, PKCE)</label
            >
          </div>
          <p><button type="submit">Register client</button></p>
        </form>`
    : '';
  return layout({
    title: 'Clients',
    session,
    tenant: slug,
    active: 'clients',
    notice: messages.notice,
    error: messages.error,
    body: markup`${table}${create}`,
  });
}

export function clientSecretPage(session: ConsoleSession, slug: string, client: ClientItem, secret: string, rotated: boolean): string {
  return layout({
    title: rotated ? `New secret for ${client.name}` : `Client ${client.name} registered`,
    session,
    tenant: slug,
    active: 'clients',
    body: markup`<div class="panel">
      <p>Client id: <code id="client-id">${client.clientId}</code></p>
      <p><strong>Copy the secret now: it is shown this once and never stored in clear.</strong></p>
      <div class="secret">
        <code id="client-secret">${secret}</code
        ><button type="button" class="secondary" data-copy="client-secret" hidden>Copy secret</button>
      </div>
      <p><a href="/console/tenants/${encodeURIComponent(slug)}/clients">Back to clients</a></p>
    </div>`,
  });
}
