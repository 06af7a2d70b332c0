import type { ConsoleSession } from '../console-session.js';
import { may } from '../console-session.js';
import { formatDate, markup, type Html } from './html.js';
import { csrfField, layout, problemList } from './layout.js';

type Messages = { notice?: string; error?: string; errors?: { field: string; messages: string[] }[] };

export interface UserItem {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

function roleSelect(id: string, name: string, roles: readonly string[], current: string, label: string): Html {
  return markup`<label for="${id}" class="visually-hidden">${label}</label
    ><select id="${id}" name="${name}">
      ${roles.map((role) => markup`<option value="${role}" ${role === current ? markup` selected` : ''}>${role}</option>`)}
    </select>`;
}

export function usersPage(session: ConsoleSession, slug: string, users: UserItem[], messages: Messages = {}): string {
  const base = `/console/tenants/${encodeURIComponent(slug)}/users`;
  const canWrite = may(session, 'users:write');
  const rows = users.map(
    (user) =>
      markup`<tr>
        <th scope="row">
          ${user.email}
          <div class="hint">${user.name}</div>
        </th>
        <td>${user.role}</td>
        <td>${user.disabled ? 'disabled' : 'active'}</td>
        <td>${formatDate(user.createdAt)}</td>
        ${
          canWrite
            ? markup`<td class="actions">
                <form method="post" action="${base}/${user.id}">
                  ${csrfField(session)}${roleSelect(`role-${user.id}`, 'role', ['member', 'admin'], user.role, `Role of ${user.email}`)}<input
                    type="hidden"
                    name="disabled"
                    value="${String(user.disabled)}"
                  /><button type="submit" class="secondary">Set role<span class="visually-hidden"> of ${user.email}</span></button>
                </form>
                <form
                  method="post"
                  action="${base}/${user.id}"
                  ${user.disabled ? '' : markup` data-confirm="Disable ${user.email}? They can no longer sign in."`}
                >
                  ${csrfField(session)}<input type="hidden" name="role" value="${user.role}" /><input
                    type="hidden"
                    name="disabled"
                    value="${String(!user.disabled)}"
                  /><button type="submit" class="secondary">
                    ${user.disabled ? 'Enable' : 'Disable'}<span class="visually-hidden"> ${user.email}</span>
                  </button>
                </form>
                <form method="post" action="${base}/${user.id}/delete" data-confirm="Delete ${user.email}? This cannot be undone.">
                  ${csrfField(session)}<input type="hidden" name="email" value="${user.email}" /><button type="submit" class="danger">
                    Delete<span class="visually-hidden"> ${user.email}</span>
                  </button>
                </form>
              </td>`
            : ''
        }
      </tr>`,
  );
  const table = users.length
    ? markup`<div class="table-wrap">
        <table>
          <caption class="visually-hidden">
            Users of ${slug}
          </caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              ${canWrite ? markup`<th scope="col">Change</th>` : ''}
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>`
    : markup`<p class="empty panel">No users in ${slug} yet.</p>`;
  const create = canWrite
    ? markup`<h2 id="create-user">Create a user</h2>
        <form class="stack panel" method="post" action="${base}" aria-labelledby="create-user">
          ${csrfField(session)}${problemList(messages.errors)} <label for="user-email">Email</label
          ><input id="user-email" name="email" type="email" required autocomplete="off" /> <label for="user-name">Name</label
          ><input id="user-name" name="name" type="text" maxlength="200" /> <label for="user-password">Initial password</label
          ><input
            id="user-password"
            name="password"
            type="password"
            required
            minlength="10"
            autocomplete="new-password"
            aria-describedby="user-password-hint"
          />
          <p class="hint" id="user-password-hint">At least 10 characters; give it to the person over a safe channel.</p>
          <label for="user-role">Role</label
          ><select id="user-role" name="role">
            <option value="member">member</option>
            <option value="admin">admin (may use this console for ${slug})</option>
          </select>
          <p><button type="submit">Create user</button></p>
        </form>`
    : '';
  return layout({
    title: 'Users',
    session,
    tenant: slug,
    active: 'users',
    notice: messages.notice,
    error: messages.error,
    body: markup`${table}${create}`,
  });
}

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

export interface OperatorItem {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

export function operatorsPage(session: ConsoleSession, operators: OperatorItem[], messages: Messages = {}): string {
  const canWrite = may(session, 'operators:write');
  const roles = ['viewer', 'editor', 'admin'];
  const rows = operators.map(
    (operator) =>
      markup`<tr>
        <th scope="row">${operator.email}</th>
        <td>${operator.role}</td>
        <td>${operator.disabled ? 'disabled' : 'active'}</td>
        <td>${formatDate(operator.createdAt)}</td>
        ${
          canWrite
            ? markup`<td class="actions">
                <form method="post" action="/console/operators/${operator.id}">
                  ${csrfField(session)}${roleSelect(`operator-role-${operator.id}`, 'role', roles, operator.role, `Role of ${operator.email}`)}<input
                    type="hidden"
                    name="disabled"
                    value="${String(operator.disabled)}"
                  /><button type="submit" class="secondary">Set role<span class="visually-hidden"> of ${operator.email}</span></button>
                </form>
                <form
                  method="post"
                  action="/console/operators/${operator.id}"
                  ${operator.disabled ? '' : markup` data-confirm="Disable ${operator.email}?"`}
                >
                  ${csrfField(session)}<input type="hidden" name="role" value="${operator.role}" /><input
                    type="hidden"
                    name="disabled"
                    value="${String(!operator.disabled)}"
                  /><button type="submit" class="secondary">
                    ${operator.disabled ? 'Enable' : 'Disable'}<span class="visually-hidden"> ${operator.email}</span>
                  </button>
                </form>
                <form method="post" action="/console/operators/${operator.id}/delete" data-confirm="Delete operator ${operator.email}?">
                  ${csrfField(session)}<input type="hidden" name="email" value="${operator.email}" /><button type="submit" class="danger">
                    Delete<span class="visually-hidden"> ${operator.email}</span>
                  </button>
                </form>
              </td>`
            : ''
        }
      </tr>`,
  );
  const table = markup`<div class="table-wrap">
    <table>
      <caption class="visually-hidden">
        Operators
      </caption>
      <thead>
        <tr>
          <th scope="col">Email</th>
          <th scope="col">Role</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
          ${canWrite ? markup`<th scope="col">Change</th>` : ''}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
  const create = canWrite
    ? markup`<h2 id="create-operator">Add an operator</h2>
        <form class="stack panel" method="post" action="/console/operators" aria-labelledby="create-operator">
          ${csrfField(session)}${problemList(messages.errors)} <label for="operator-email">Email</label
          ><input id="operator-email" name="email" type="email" required autocomplete="off" /> <label for="operator-role">Role</label
          ><select id="operator-role" name="role">
            <option value="viewer">viewer (reads everything)</option>
            <option value="editor">editor (also changes flags)</option>
            <option value="admin">admin (also tenants, clients, users, operators)</option>
          </select>
          <label for="operator-password">Initial password</label
          ><input id="operator-password" name="password" type="password" required minlength="10" autocomplete="new-password" />
          <p><button type="submit">Add operator</button></p>
        </form>`
    : '';
  return layout({
    title: 'Operators',
    session,
    active: 'operators',
    notice: messages.notice,
    error: messages.error,
    body: markup`${table}${create}`,
  });
}
