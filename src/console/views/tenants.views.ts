import type { ConsoleSession } from '../console-session.js';
import { may } from '../console-session.js';
import { formatDate, markup, type Html } from './html.js';
import { csrfField, layout, problemList } from './layout.js';

export interface TenantItem {
  slug: string;
  name: string;
  placement: string;
  status: string;
  adminsMayToggleFlags: boolean;
  createdAt: string;
}

export interface TenantsQuery {
  search?: string;
  placement?: string;
  status?: string;
  cursor?: string;
}

function option(value: string, label: string, selected: string | undefined): Html {
  return markup`<option value="${value}" ${selected === value ? markup` selected` : ''}>${label}</option>`;
}

function filterForm(query: TenantsQuery): Html {
  return markup`<form class="inline panel" method="get" action="/console/tenants" role="search" aria-label="Find tenants">
    <label>Slug contains<input type="search" name="search" value="${query.search ?? ''}" maxlength="63" /></label>
    <label
      >Placement<select name="placement">
        ${option('', 'Any', query.placement ?? '')}${option('isolated', 'Isolated', query.placement)}${option('pooled', 'Pooled', query.placement)}
      </select></label
    >
    <label
      >Status<select name="status">
        ${option('', 'Any', query.status ?? '')}${option('active', 'Active', query.status)}${option('suspended', 'Suspended', query.status)}${option('deleting', 'Deleting', query.status)}
      </select></label
    >
    <button type="submit">Filter</button>
  </form>`;
}

function actions(session: ConsoleSession, tenant: TenantItem): Html {
  if (!may(session, 'tenants:write')) return markup``;
  const base = `/console/tenants/${encodeURIComponent(tenant.slug)}`;
  const other = tenant.placement === 'isolated' ? 'pooled' : 'isolated';
  const status =
    tenant.status === 'active'
      ? markup`<form method="post" action="${base}/suspend" data-confirm="Suspend ${tenant.slug}? Its tokens stop working at once.">
          ${csrfField(session)}<button type="submit" class="secondary">Suspend<span class="visually-hidden"> ${tenant.slug}</span></button>
        </form>`
      : tenant.status === 'suspended'
        ? markup`<form method="post" action="${base}/resume">
            ${csrfField(session)}<button type="submit" class="secondary">Resume<span class="visually-hidden"> ${tenant.slug}</span></button>
          </form>`
        : markup``;
  return markup`${status}
    <form
      method="post"
      action="${base}/move"
      data-confirm="Move ${tenant.slug} to the ${other} placement?"
      data-progress="Moving ${tenant.slug} to ${other}…"
    >
      ${csrfField(session)}<input type="hidden" name="placement" value="${other}" /><button type="submit" class="secondary">
        Move to ${other}<span class="visually-hidden"> (${tenant.slug})</span>
      </button>
    </form>
    <a href="${base}/delete">Delete<span class="visually-hidden"> ${tenant.slug}</span></a>`;
}

export function tenantsPage(
  session: ConsoleSession,
  page: { items: TenantItem[]; nextCursor: string | null; total: number },
  query: TenantsQuery,
  messages: { notice?: string; error?: string; errors?: { field: string; messages: string[] }[] } = {},
): string {
  const rows = page.items.map(
    (tenant) =>
      markup`<tr>
        <td><a href="/console/tenants/${encodeURIComponent(tenant.slug)}/flags">${tenant.slug}</a></td>
        <td>${tenant.name}</td>
        <td>${tenant.placement}</td>
        <td><span class="badge">${tenant.status}</span></td>
        <td>${formatDate(tenant.createdAt)}</td>
        <td class="actions">${actions(session, tenant)}</td>
      </tr>`,
  );
  const filtered = Boolean(query.search || query.placement || query.status);
  const table = page.items.length
    ? markup`<div class="table-wrap">
        <table>
          <caption class="visually-hidden">
            Tenants
          </caption>
          <thead>
            <tr>
              <th scope="col">Slug</th>
              <th scope="col">Name</th>
              <th scope="col">Placement</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>`
    : markup`<p class="empty panel">${filtered ? 'No tenant matches this filter.' : 'No tenants yet. Create the first one below.'}</p>`;
  const params = new URLSearchParams();
  for (const name of ['search', 'placement', 'status'] as const) if (query[name]) params.set(name, query[name]!);
  const next = page.nextCursor
    ? `/console/tenants?${new URLSearchParams({ ...Object.fromEntries(params), cursor: page.nextCursor }).toString()}`
    : undefined;
  const pager = markup`<nav class="pager" aria-label="Pages of tenants">
    <span>${page.total} tenant${page.total === 1 ? '' : 's'}</span>
    ${query.cursor ? markup`<a href="/console/tenants?${params.toString()}">First page</a>` : ''}${next ? markup`<a href="${next}">Next page</a>` : ''}
  </nav>`;
  const create = may(session, 'tenants:write')
    ? markup`<h2 id="create-tenant">Create a tenant</h2>
        <form class="stack panel" method="post" action="/console/tenants" aria-labelledby="create-tenant">
          ${csrfField(session)} ${problemList(messages.errors)} <label for="tenant-slug">Slug</label
          ><input
            id="tenant-slug"
            name="slug"
            type="text"
            required
            pattern="[a-z0-9][a-z0-9-]{1,62}"
            aria-describedby="tenant-slug-hint"
            autocomplete="off"
          />
          <p class="hint" id="tenant-slug-hint">Lowercase letters, digits and hyphens; it names the tenant in URLs and tokens.</p>
          <label for="tenant-name">Name</label><input id="tenant-name" name="name" type="text" required maxlength="200" />
          <label for="tenant-placement">Placement</label
          ><select id="tenant-placement" name="placement">
            <option value="isolated">Isolated (its own schema)</option>
            <option value="pooled">Pooled (shared schema, row-level security)</option>
          </select>
          <p><button type="submit">Create tenant</button></p>
        </form>`
    : '';
  return layout({
    title: 'Tenants',
    session,
    active: 'tenants',
    notice: messages.notice,
    error: messages.error,
    body: markup`${filterForm(query)}${pager}${table}${create}`,
  });
}

export function deleteTenantPage(session: ConsoleSession, tenant: TenantItem, error?: string): string {
  return layout({
    title: `Delete ${tenant.slug}`,
    session,
    error,
    body: markup`<form class="stack panel" method="post" action="/console/tenants/${encodeURIComponent(tenant.slug)}/delete">
      ${csrfField(session)}
      <p>
        Deleting <strong>${tenant.name}</strong> stops its tokens, revokes its grants and removes its clients, users and flags. This cannot
        be undone.
      </p>
      <label for="confirm-slug">Type the slug <strong>${tenant.slug}</strong> to confirm</label>
      <input id="confirm-slug" name="confirm" type="text" required autocomplete="off" spellcheck="false" />
      <p><button type="submit" class="danger">Delete tenant ${tenant.slug}</button> <a href="/console/tenants">Cancel</a></p>
    </form>`,
  });
}
