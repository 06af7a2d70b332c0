import { describeScope } from '../../auth/scopes.js';
import { escapeHtml, renderPage } from './html.js';

export interface LoginPageModel {
  uid: string;
  csrf: string;
  tenantName: string;
  clientName: string;
  email?: string;
  error?: string;
  /** Set (possibly empty) for the console: operators leave it empty, a tenant's admins give its slug. */
  organisation?: string;
}

function organisationField(model: LoginPageModel): string {
  if (model.organisation === undefined) return '';
  return `<label for="organisation">Organisation <span class="hint">(empty for operators)</span></label>
<input id="organisation" name="organisation" type="text" autocomplete="organization" autocapitalize="none" spellcheck="false" aria-describedby="organisation-hint" value="${escapeHtml(model.organisation)}">
<p class="hint" id="organisation-hint">Administrators of an organisation: its identifier (slug), for example <code>acme</code>.</p>`;
}

export function loginPage(model: LoginPageModel): string {
  return renderPage({
    title: 'Sign in',
    tenantName: model.tenantName,
    error: model.error,
    body: `<p>to continue to <strong>${escapeHtml(model.clientName)}</strong></p>
<form method="post" action="/interaction/${escapeHtml(model.uid)}/login" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(model.csrf)}">
${organisationField(model)}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(model.email ?? '')}"${model.error ? ' aria-describedby="error"' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${escapeHtml(model.uid)}/abort">
<input type="hidden" name="csrf" value="${escapeHtml(model.csrf)}">
<button type="submit" class="secondary">Cancel</button>
</form>`,
  });
}

export interface ConsentPageModel {
  uid: string;
  csrf: string;
  tenantName: string;
  clientName: string;
  userEmail: string;
  scopes: string[];
}

export function consentPage(model: ConsentPageModel): string {
  const items = model.scopes.map((scope) => `<li>${escapeHtml(describeScope(scope))}</li>`).join('');
  return renderPage({
    title: 'Allow access?',
    tenantName: model.tenantName,
    body: `<p><strong>${escapeHtml(model.clientName)}</strong> wants to:</p>
<ul class="scopes">${items}</ul>
<p>Signed in as ${escapeHtml(model.userEmail)}.</p>
<form method="post" action="/interaction/${escapeHtml(model.uid)}/confirm">
<input type="hidden" name="csrf" value="${escapeHtml(model.csrf)}">
<button type="submit">Allow</button>
</form>
<form method="post" action="/interaction/${escapeHtml(model.uid)}/abort">
<input type="hidden" name="csrf" value="${escapeHtml(model.csrf)}">
<button type="submit" class="secondary">Deny</button>
</form>`,
  });
}

export function errorPage(title: string, message: string): string {
  return renderPage({ title, body: `<p>${escapeHtml(message)}</p>` });
}

export function temporarilyUnavailablePage(retryAfterSeconds: number): string {
  return errorPage('Temporarily unavailable', `Sign-in is temporarily unavailable. Wait ${retryAfterSeconds} seconds, then try again.`);
}
