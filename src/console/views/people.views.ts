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

export function roleSelect(id: string, name: string, roles: readonly string[], current: string, label: string): Html {
  return markup`<label for="${id}" class="visually-hidden">${label}</label
    ><select id="${id}" name="${name}">
      ${roles.map((role) => markup`<option value="${role}" ${role === current ? markup` selected` : ''}>${role}</option>`)}
    </select>`;
}

/** A person's row controls (role, enable/disable, delete), the same for tenant users and operators. */
export function accountControls(
  session: ConsoleSession,
  options: {
    /** Where the role and disabled changes are posted; deletion posts to `${action}/delete`. */
    action: string;
    roleFieldId: string;
    roles: readonly string[];
    account: { email: string; role: string; disabled: boolean };
    disableQuestion: string;
    deleteQuestion: string;
  },
): Html {
  const { action, account } = options;
  return markup`<td class="actions">
                <form method="post" action="${action}">
                  ${csrfField(session)}${roleSelect(options.roleFieldId, 'role', options.roles, account.role, `Role of ${account.email}`)}<input
                    type="hidden"
                    name="disabled"
                    value="${String(account.disabled)}"
                  /><button type="submit" class="secondary">Set role<span class="visually-hidden"> of ${account.email}</span></button>
                </form>
                <form method="post" action="${action}" ${account.disabled ? '' : markup` data-confirm="${options.disableQuestion}"`}>
                  ${csrfField(session)}<input type="hidden" name="role" value="${account.role}" /><input
                    type="hidden"
                    name="disabled"
                    value="${String(!account.disabled)}"
                  /><button type="submit" class="secondary">
                    ${account.disabled ? 'Enable' : 'Disable'}<span class="visually-hidden"> ${account.email}</span>
                  </button>
                </form>
                <form method="post" action="${action}/delete" data-confirm="${options.deleteQuestion}">
                  ${csrfField(session)}<input type="hidden" name="email" value="${account.email}" /><button type="submit" class="danger">
                    Delete<span class="visually-hidden"> ${account.email}</span>
                  </button>
                </form>
              </td>`;
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
            ? accountControls(session, {
                action: `${base}/${user.id}`,
                roleFieldId: `role-${user.id}`,
                roles: ['member', 'admin'],
                account: user,
                disableQuestion: `Disable ${user.email}? They can no longer sign in.`,
                deleteQuestion: `Delete ${user.email}? This cannot be undone.`,
              })
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
