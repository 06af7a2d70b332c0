import type { ConsoleSession } from '../console-session.js';
import { may } from '../console-session.js';
import { formatDate, markup } from './html.js';
import { roleSelect } from './people.views.js';
import { csrfField, layout, problemList } from './layout.js';

type Messages = { notice?: string; error?: string; errors?: { field: string; messages: string[] }[] };

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
