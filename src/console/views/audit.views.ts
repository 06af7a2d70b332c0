import type { ConsoleSession } from '../console-session.js';
import { formatDate, markup, type Html } from './html.js';
import { layout } from './layout.js';
import { rolloutSummary } from './flags.views.js';

export interface Snapshot {
  enabled?: boolean;
  variant?: string | null;
  rules?: unknown[];
  rollout?: { variant: string; weight: number }[] | null;
  /** A segment's. */
  description?: string;
  when?: unknown;
}

export interface ChangeItem {
  id: string;
  kind?: 'feature' | 'segment';
  key: string;
  actor: { clientId: string; userId: string | null; email?: string };
  before: Snapshot | null;
  after: Snapshot | null;
  changedAt: string;
}

function describe(snapshot: Snapshot | null, kind: ChangeItem['kind']): Html {
  if (kind === 'segment') return snapshot ? markup`<code>${JSON.stringify(snapshot.when)}</code>` : markup`<span class="off">none</span>`;
  if (!snapshot) return markup`<span class="off">catalogue default</span>`;
  const extras = [
    snapshot.variant ? `variant ${snapshot.variant}` : '',
    snapshot.rules?.length ? `${snapshot.rules.length} rule(s)` : '',
    snapshot.rollout?.length ? `rollout ${rolloutSummary(snapshot.rollout)}` : '',
  ].filter(Boolean);
  return markup`<span class="${snapshot.enabled ? 'on' : 'off'}">${snapshot.enabled ? 'on' : 'off'}</span>${extras.length ? markup` <span class="hint">(${extras.join(', ')})</span>` : ''}`;
}

function who(actor: ChangeItem['actor']): Html {
  if (actor.email) return markup`<span data-actor>${actor.email}</span>`;
  return actor.userId
    ? markup`<span data-actor>${actor.userId}</span> <span class="hint">via ${actor.clientId}</span>`
    : markup`<span data-actor>client ${actor.clientId}</span>`;
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
  const filter = markup`<form class="inline panel" method="get" action="${base}" aria-label="Filter the audit trail">
    <label
      >Flag<select name="key">
        <option value="">All flags</option>
        ${keys.map((key) => markup`<option value="${key}" ${key === query.key ? markup` selected` : ''}>${key}</option>`)}
      </select></label
    >
    <button type="submit">Filter</button>
  </form>`;
  const rows = page.items.map(
    (change) =>
      markup`<tr>
        <td>${formatDate(change.changedAt)}</td>
        <td>${who(change.actor)}</td>
        <td>${change.kind === 'segment' ? 'segment ' : ''}<code>${change.key}</code></td>
        <td>${describe(change.before, change.kind)} → ${describe(change.after, change.kind)}</td>
      </tr>`,
  );
  const table = page.items.length
    ? markup`<div class="table-wrap">
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
    : markup`<p class="empty panel">
        ${query.key ? `No change of ${query.key} recorded yet.` : 'No flag of this tenant has been changed yet.'}
      </p>`;
  const keyParam: Record<string, string> = query.key ? { key: query.key } : {};
  const pager = markup`<nav class="pager" aria-label="Pages of the audit trail">
    ${query.cursor ? markup`<a href="${base}?${new URLSearchParams(keyParam).toString()}">Newest</a>` : ''}
    ${page.nextCursor ? markup`<a href="${base}?${new URLSearchParams({ ...keyParam, cursor: page.nextCursor }).toString()}">Older changes</a>` : ''}
  </nav>`;
  return layout({ title: 'Audit trail', session, tenant: slug, active: 'audit', error, body: markup`${filter}${table}${pager}` });
}
