import type { ConsoleSession } from '../console-session.js';
import { may } from '../console-session.js';
import { markup, type Html } from './html.js';

export interface LayoutOptions {
  title: string;
  session?: ConsoleSession;
  /** The tenant whose pages these are (its tabs are shown). */
  tenant?: string;
  active?: string;
  notice?: string;
  error?: string;
  body: Html;
}

function link(href: string, label: string, active: boolean): Html {
  return markup`<li><a href="${href}" ${active ? markup` aria-current="page"` : ''}>${label}</a></li>`;
}

function navigation(session: ConsoleSession, active: string | undefined): Html {
  const person = session.person;
  const items =
    person.kind === 'operator'
      ? [
          link('/console/tenants', 'Tenants', active === 'tenants'),
          link('/console/flags', 'Flag catalogue', active === 'catalogue'),
          may(session, 'operators:read') ? link('/console/operators', 'Operators', active === 'operators') : '',
        ]
      : [link(`/console/tenants/${person.tenantSlug}/flags`, 'My organisation', active === 'tenant')];
  return markup`<nav aria-label="Console">
    <ul class="nav">
      ${items}
    </ul>
  </nav>`;
}

function tenantTabs(session: ConsoleSession, slug: string, active: string | undefined): Html {
  const base = `/console/tenants/${encodeURIComponent(slug)}`;
  return markup`<nav aria-label="Tenant ${slug}">
    <ul class="tabs">
      ${link(`${base}/flags`, 'Flags', active === 'flags')} ${link(`${base}/audit`, 'Audit trail', active === 'audit')}
    ${link(`${base}/segments`, 'Segments', active === 'segments')}
      ${may(session, 'users:read') ? link(`${base}/users`, 'Users', active === 'users') : ''}
      ${may(session, 'clients:read') ? link(`${base}/clients`, 'Clients', active === 'clients') : ''}
    </ul>
  </nav>`;
}

export function layout(options: LayoutOptions): string {
  const session = options.session;
  const header = session
    ? markup`<header class="top">
        <a class="brand" href="/console">Tenantry console</a>
        ${navigation(session, options.tenant ? (session.person.kind === 'operator' ? 'tenants' : 'tenant') : options.active)}
        <div class="who">
          <span
            >${session.person.email} ·
            ${session.person.kind === 'operator' ? session.person.role : `admin of ${session.person.tenantSlug}`}</span
          >
          <form method="post" action="/console/logout">
            <input type="hidden" name="_csrf" value="${session.csrfToken}" /><button type="submit" class="link">Sign out</button>
          </form>
        </div>
      </header>`
    : markup`<header class="top"><span class="brand">Tenantry console</span></header>`;
  const tabs = session && options.tenant ? tenantTabs(session, options.tenant, options.active) : '';
  const notice = options.notice ? markup`<div class="notice" role="status">${options.notice}</div>` : '';
  const error = options.error ? markup`<div class="error" role="alert">${options.error}</div>` : '';
  return `<!DOCTYPE html>
${
  markup`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${options.title} · Tenantry console</title>
      <link rel="stylesheet" href="/console/assets/console.css" />
      <script src="/console/assets/console.js" defer></script>
    </head>
    <body>
      <a class="skip" href="#main">Skip to content</a>
      ${header}
      <main id="main" tabindex="-1">
        ${options.tenant ? markup`<p class="crumb">Tenant <strong>${options.tenant}</strong></p>` : ''} ${tabs}
        <h1>${options.title}</h1>
        ${notice}${error} ${options.body}
      </main>
      <dialog id="confirm-dialog" aria-labelledby="confirm-title">
        <form method="dialog">
          <h2 id="confirm-title">Are you sure?</h2>
          <p id="confirm-message"></p>
          <div class="actions">
            <button value="cancel" class="secondary">Cancel</button><button value="confirm" id="confirm-ok" autofocus>Confirm</button>
          </div>
        </form>
      </dialog>
      <div id="live" class="visually-hidden" aria-live="polite"></div>
    </body>
  </html>`.value
}`;
}

/** A hidden CSRF field for a form of this session. */
export function csrfField(session: ConsoleSession): Html {
  return markup`<input type="hidden" name="_csrf" value="${session.csrfToken}" />`;
}

export function problemList(errors: { field: string; messages: string[] }[] | undefined): Html {
  if (!errors?.length) return markup``;
  return markup`<ul class="field-errors">
    ${errors.map((error) => markup`<li><strong>${error.field}</strong>: ${error.messages.join('; ')}</li>`)}
  </ul>`;
}
