import { escapeHtml } from '../../oidc/pages/html.js';

/** Already-escaped HTML. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part as string | number | boolean));
}

/** A template whose interpolations are escaped unless they are Html already. */
export function markup(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  parts.forEach((part, index) => (out += render(part) + strings[index + 1]!));
  return new Html(out);
}

export function attribute(name: string, on: boolean): Html {
  return new Html(on ? ` ${name}` : '');
}

export function formatDate(value: string | null | undefined): Html {
  if (!value) return markup`—`;
  const date = new Date(value);
  return markup`<time datetime="${date.toISOString()}">${date.toISOString().replace('T', ' ').slice(0, 19)} UTC</time>`;
}
