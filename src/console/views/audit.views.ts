import type { ConsoleSession } from '../console-session.js';
import { formatDate, html, type Html } from './html.js';
import { layout } from './layout.js';

export interface Snapshot {
  enabled: boolean;
  value?: unknown;
  rules?: unknown[];
  rollout?: { percentage: number } | null;
}

export interface ChangeItem {
  id: string;
  key: string;
  actor: { clientId: string; userId: string | null; email?: string };
  before: Snapshot | null;
  after: Snapshot;
  changedAt: string;
}

function describe(snapshot: Snapshot | null): Html {
  if (!snapshot) return html`<span class="off">catalogue default</span>`;
  const extras = [
    snapshot.value !== undefined && snapshot.value !== null ? `value ${JSON.stringify(snapshot.value)}` : '',
    snapshot.rules?.length ? `${snapshot.rules.length} rule(s)` : '',
    snapshot.rollout ? `rollout ${snapshot.rollout.percentage}%` : '',
  ].filter(Boolean);
  return html`<span class="${snapshot.enabled ? 'on' : 'off'}">${snapshot.enabled ? 'on' : 'off'}</span
    >${extras.length ? html` <span class="hint">(${extras.join(', ')})</span>` : ''}`;
}

function who(actor: ChangeItem['actor']): Html {
  if (actor.email) return html`<span data-actor>${actor.email}</span>`;
  return actor.userId
    ? html`<span data-actor>${actor.userId}</span> <span class="hint">via ${actor.clientId}</span>`
    : html`<span data-actor>client ${actor.clientId}</span>`;
}

export function auditPage(
  session: ConsoleSession,
  slug: string,
  page: { items: ChangeItem[]; nextCursor: string | null },
  keys: string[],
  query: { key?: string; cursor?: string },
  error?: string,
): string {
  const base = `/console/tenants/${encodeURIComponent(slug)}/audit`;
  const filter = html`<form class="inline panel" method="get" action="${base}" aria-label="Filter the audit trail">
    <label
      >Flag<select name="key">
        <option value="">All flags</option>
        ${keys.map((key) => html`<option value="${key}" ${key === query.key ? html` selected` : ''}>${key}</option>`)}
      </select></label
    >
    <button type="submit">Filter</button>
  </form>`;
  const rows = page.items.map(
    (change) =>
      html`<tr>
        <td>${formatDate(change.changedAt)}</td>
        <td>${who(change.actor)}</td>
        <td><code>${change.key}</code></td>
        <td>${describe(change.before)} → ${describe(change.after)}</td>
      </tr>`,
  );
  const table = page.items.length
    ? html`<div class="table-wrap">
        <table>
          <caption class="visually-hidden">
            Changes of ${slug}’s flags, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Flag</th>
              <th scope="col">Before → after</th>
            </tr>
          </thead>
          <tbody id="audit-rows">
            ${rows}
          </tbody>
        </table>
      </div>`
    : html`<p class="empty panel">
        ${query.key ? `No change of ${query.key} recorded yet.` : 'No flag of this tenant has been changed yet.'}
      </p>`;
  const keyParam: Record<string, string> = query.key ? { key: query.key } : {};
  const pager = html`<nav class="pager" aria-label="Pages of the audit trail">
    ${query.cursor ? html`<a href="${base}?${new URLSearchParams(keyParam).toString()}">Newest</a>` : ''}
    ${page.nextCursor ? html`<a href="${base}?${new URLSearchParams({ ...keyParam, cursor: page.nextCursor }).toString()}">Older changes</a>` : ''}
  </nav>`;
  return layout({ title: 'Audit trail', session, tenant: slug, active: 'audit', error, body: html`${filter}${table}${pager}` });
}
