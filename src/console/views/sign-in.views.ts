import { markup } from './html.js';
import { layout } from './layout.js';

export function signedOutPage(): string {
  return layout({
    title: 'Sign in',
    body: markup`<div class="panel">
      <p>Operators of this Tenantry, and administrators of an organisation, manage tenants, flags, clients and users here.</p>
      <p><a class="button" href="/console/login">Sign in</a></p>
    </div>`,
  });
}

export function signInProblemPage(reason: string): string {
  return layout({ title: 'Sign-in incomplete', error: reason, body: markup`<p><a href="/console/login">Sign in again</a></p>` });
}

export function errorPage(title: string, message: string, signedIn = true): string {
  return layout({
    title,
    error: message,
    body: signedIn ? markup`<p><a href="/console">Back to the console</a></p>` : markup`<p><a href="/console/login">Sign in</a></p>`,
  });
}
