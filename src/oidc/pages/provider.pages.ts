import { escapeHtml, renderPage } from './html.js';

// Pages oidc-provider renders itself (device flow, logout, errors), in the
// same look as ours. `form` arguments are the provider's own markup.

export function deviceCodeInputPage(form: string, error?: string): string {
  return renderPage({
    title: 'Connect a device',
    error,
    body: `<p>Enter the code shown on your device.</p>
${form.replace('<input ', '<label for="op.userCode">Code</label><input id="op.userCode" autocomplete="off" autocapitalize="characters" ')}
<button type="submit" form="op.deviceInputForm">Continue</button>`,
  });
}

export function deviceCodeConfirmPage(form: string, clientName: string, userCode: string): string {
  return renderPage({
    title: 'Connect a device',
    body: `<p><strong>${escapeHtml(clientName)}</strong> is asking to connect.</p>
<p>Check that the code on the device is <strong>${escapeHtml(userCode)}</strong>.</p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" class="secondary" form="op.deviceConfirmForm" value="yes" name="abort">Cancel</button>`,
  });
}

export function deviceSuccessPage(clientName: string): string {
  return renderPage({ title: 'Device connected', body: `<p>${escapeHtml(clientName)} is now connected. You can close this window.</p>` });
}

export function logoutPage(form: string, clientName?: string): string {
  return renderPage({
    title: 'Sign out?',
    body: `<p>${clientName ? `${escapeHtml(clientName)} asks to sign you out.` : 'Sign out of this device?'}</p>
${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
<button type="submit" class="secondary" form="op.logoutForm">Stay signed in</button>`,
  });
}

export function logoutSuccessPage(): string {
  return renderPage({ title: 'Signed out', body: '<p>You are signed out. You can close this window.</p>' });
}

/** Browser-facing OAuth errors: the OAuth error code and description, never internals. */
export function providerErrorPage(out: Record<string, unknown>): string {
  const error = typeof out.error === 'string' ? out.error : 'server_error';
  const description = typeof out.error_description === 'string' ? out.error_description : 'The request could not be completed.';
  return renderPage({
    title: error === 'temporarily_unavailable' ? 'Temporarily unavailable' : 'Something went wrong',
    body: `<p>${escapeHtml(description)}</p><p><code>${escapeHtml(error)}</code></p>`,
  });
}
