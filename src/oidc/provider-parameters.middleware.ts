import type { IncomingMessage } from 'node:http';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { unreadableForm, unreadableUrl } from '../infra/http/encoded-text.js';
import { settleRefusedBody } from '../infra/http/refused-request.js';
import { answerInvalidRequest, type ProviderErrorRenderer } from './provider-refusal.js';

// oidc-provider's own body limit.
const BODY_LIMIT_BYTES = 56 * 1024;
const FORM = 'application/x-www-form-urlencoded';

type WithFormBody = IncomingMessage & { body?: string };

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  // destroyOnReturn: false, so a refused body can still be drained (settleRefusedBody), not reset.
  for await (const chunk of request.iterator({ destroyOnReturn: false })) {
    received += (chunk as Buffer).length;
    if (received > BODY_LIMIT_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, received);
}

/** The form body this middleware read for the provider (it reads it as `req.body`), or undefined. */
export function providerFormBody(ctx: KoaContextWithOIDC): string | undefined {
  return (ctx.req as WithFormBody).body;
}

/** Why the request's form body cannot be read, or undefined once it is read and handed to the provider. */
async function readForm(ctx: KoaContextWithOIDC): Promise<string | undefined> {
  if (ctx.request.length !== undefined && ctx.request.length > BODY_LIMIT_BYTES) return 'the request body is too large';
  let body: Buffer;
  try {
    body = await readBody(ctx.req);
  } catch (error) {
    if (error instanceof BodyTooLarge) return 'the request body is too large';
    throw error;
  }
  const unreadable = unreadableForm(body);
  if (unreadable) return `the request body holds ${unreadable}`;
  (ctx.req as WithFormBody).body = body.toString('utf8');
  return undefined;
}

/**
 * oidc-provider reads its parameters itself, with Node's lenient querystring
 * ("%zz" kept as is, bad UTF-8 turned into U+FFFD) and passes NULs on to its
 * storage, where PostgreSQL refuses them (a 500 for a client_id, code, token,
 * state or login_hint holding %00). So before its routes run, the request
 * target and a form body are checked as the rest of the app checks them: a
 * malformed escape, bytes that are not UTF-8 (a lone surrogate has no UTF-8
 * form) or a NUL is the provider's own `invalid_request`, as JSON, or for a
 * browser as the provider's error page. Form bodies are read here, bounded
 * as the provider bounds them, and handed to it as `req.body` (which it
 * accepts, saying so once in the log); one refused for its size is drained
 * or its connection closed cleanly, so the next request on it is answered.
 * A provider middleware (provider.use), before its own routes.
 */
export function refuseUnreadableParameters(renderError: ProviderErrorRenderer) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> => {
    const unreadableTarget = unreadableUrl(ctx.url);
    const unreadable = unreadableTarget
      ? `the request URL holds ${unreadableTarget}`
      : ctx.method === 'POST' && ctx.is(FORM)
        ? await readForm(ctx)
        : undefined;
    if (!unreadable) {
      await next();
      return;
    }
    settleRefusedBody(ctx.req, ctx.res);
    await answerInvalidRequest(ctx, unreadable, renderError);
  };
}
