import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { answerInvalidRequest, type ProviderErrorRenderer } from './provider-refusal.js';

const CODE_VERIFICATION = '/device';
const DEVICE_RESUME = /^\/device\/(?!auth$)[^/]+$/;

function isDeviceFormStep(ctx: KoaContextWithOIDC): boolean {
  if (ctx.method === 'POST') return ctx.path === CODE_VERIFICATION;
  return ctx.method === 'GET' && DEVICE_RESUME.test(ctx.path);
}

/**
 * The device pages keep their state (the xsrf value of the code form) in the
 * sign-in session. When one of their steps fails, oidc-provider re-renders the
 * code form and saves a fresh xsrf value into the session; for a session it
 * never saved (the form was posted without the session cookie the code page
 * set, or after the session expired) that save throws ("persist can only be
 * called on previously persisted Sessions") and the page is a 500. Those
 * requests cannot succeed anyway, so they are answered here, before the
 * provider's route, with its own `invalid_request` (for a browser, its error
 * page). A provider middleware (provider.use).
 */
export function requireDeviceFormSession(provider: Provider, renderError: ProviderErrorRenderer) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> => {
    if (!isDeviceFormStep(ctx)) {
      await next();
      return;
    }
    const session = await provider.Session.get(ctx);
    if (typeof session.exp === 'number') {
      await next();
      return;
    }
    await answerInvalidRequest(ctx, 'the device form has expired or was not sent from the device page; open the page again', renderError);
  };
}
