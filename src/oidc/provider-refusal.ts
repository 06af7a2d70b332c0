import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/** How the provider renders an error for a browser (its `renderError` configuration). */
export type ProviderErrorRenderer = (ctx: KoaContextWithOIDC, out: Record<string, string>, error: Error) => void | Promise<void>;

/**
 * Answers the provider's own `invalid_request` from a provider middleware,
 * as its routes' error handler would: JSON, or for a browser (HTML preferred
 * to JSON) its error page. Provider middleware runs outside the routes, so an
 * error thrown there would reach Koa's plain-text fallback instead.
 */
export async function answerInvalidRequest(
  ctx: KoaContextWithOIDC,
  description: string,
  renderError: ProviderErrorRenderer,
): Promise<void> {
  const error = new errors.InvalidRequest(description);
  const out = { error: error.error, error_description: error.error_description ?? description };
  ctx.status = error.statusCode;
  ctx.set('Cache-Control', 'no-store');
  if (ctx.accepts('json', 'html') === 'html') await renderError(ctx, out, error);
  else ctx.body = out;
}
