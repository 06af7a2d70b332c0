import type { ConsoleSession } from '../console-session.js';
import { may } from '../console-session.js';
import { formatDate, markup } from './html.js';
import { accountControls } from './people.views.js';
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
            ? accountControls(session, {
                action: `/console/operators/${operator.id}`,
                roleFieldId: `operator-role-${operator.id}`,
                roles,
                account: operator,
                disableQuestion: `Disable ${operator.email}?`,
                deleteQuestion: `Delete operator ${operator.email}?`,
              })
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
