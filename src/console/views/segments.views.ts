import type { ConsoleSession } from '../console-session.js';
import { may } from '../console-session.js';
import { formatDate, markup } from './html.js';
import { csrfField, layout, problemList } from './layout.js';

export interface SegmentItem {
  key: string;
  description: string;
  when: unknown;
  updatedAt: string;
}

export interface SegmentFormValues {
  key: string;
  description: string;
  when: string;
}

const EMPTY: SegmentFormValues = { key: '', description: '', when: '{"attribute": "plan", "op": "in", "value": ["pro", "enterprise"]}' };

/** A tenant's segments: named conditions its flags' rules refer to with {"segment": "key"}. */
export function segmentsPage(
  session: ConsoleSession,
  slug: string,
  segments: SegmentItem[],
  messages: { notice?: string; error?: string; errors?: { field: string; messages: string[] }[]; values?: SegmentFormValues } = {},
): string {
  const base = `/console/tenants/${encodeURIComponent(slug)}/segments`;
  const canWrite = may(session, 'features:write');
  const values = messages.values ?? EMPTY;
  const rows = segments.map(
    (
      item,
    ) => markup`<tr><th scope="row">${item.key}<div class="hint">${item.description}</div></th><td><code>${JSON.stringify(item.when)}</code></td><td>${formatDate(item.updatedAt)}</td>
${canWrite ? markup`<td class="actions"><form method="post" action="${base}/${encodeURIComponent(item.key)}/delete" data-confirm="Delete segment ${item.key}? A rule that names it keeps it from being deleted.">${csrfField(session)}<button type="submit" class="danger">Delete<span class="visually-hidden"> segment ${item.key}</span></button></form></td>` : ''}</tr>`,
  );
  const table = segments.length
    ? markup`<div class="table-wrap"><table><caption class="visually-hidden">Segments of ${slug}</caption><thead><tr><th scope="col">Segment</th><th scope="col">Who is in it</th><th scope="col">Changed</th>${canWrite ? markup`<th scope="col">Change</th>` : ''}</tr></thead><tbody>${rows}</tbody></table></div>`
    : markup`<p class="empty panel">No segments in ${slug} yet. A segment names a condition that several flags’ rules can use.</p>`;
  const form = canWrite
    ? markup`<h2 id="put-segment">Add or change a segment</h2><form class="stack panel" method="post" action="${base}" aria-labelledby="put-segment">${csrfField(session)}${problemList(messages.errors)}
<label for="segment-key">Key</label><input id="segment-key" name="key" type="text" required value="${values.key}" autocomplete="off">
<label for="segment-description">Description</label><input id="segment-description" name="description" type="text" maxlength="500" value="${values.description}">
<label for="segment-when">Condition (JSON)</label><textarea id="segment-when" name="when" aria-describedby="segment-when-hint">${values.when}</textarea>
<p class="hint" id="segment-when-hint">{"attribute": …, "op": …, "value": …}, or {"all": [...]}, {"any": [...]}, {"not": …}; a segment cannot name another segment.</p>
<p><button type="submit">Save segment</button></p></form>`
    : '';
  return layout({
    title: 'Segments',
    session,
    tenant: slug,
    active: 'segments',
    notice: messages.notice,
    error: messages.error,
    body: markup`${table}${form}`,
  });
}
