const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** No scripts, no external assets, not frameable (clickjacking on consent). */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

const STYLE = `
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5}
body{margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;background:Canvas;color:CanvasText}
main{width:min(24rem,100% - 2rem);padding:2rem;border:1px solid GrayText;border-radius:.75rem}
h1{font-size:1.4rem;margin:0 0 .25rem}p.tenant{margin:0 0 1.5rem;color:CanvasText}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{box-sizing:border-box;width:100%;padding:.6rem;font:inherit;border:1px solid GrayText;border-radius:.4rem}
input:focus,button:focus{outline:3px solid Highlight;outline-offset:2px}
button{margin-top:1.25rem;width:100%;padding:.7rem;font:inherit;font-weight:600;border:0;border-radius:.4rem;background:#2456d6;color:#fff;cursor:pointer}
button.secondary{background:transparent;color:CanvasText;border:1px solid GrayText}
.error{margin:1rem 0;padding:.75rem;border-radius:.4rem;background:#fde8e8;color:#8a1010}
ul.scopes{padding-left:1.25rem}ul.scopes li{margin:.35rem 0}
.hint{font-weight:400;font-size:.9rem;color:CanvasText;margin:.25rem 0 0}
`;

export interface PageOptions {
  title: string;
  /** Shown under the title: whose sign-in this is. */
  tenantName?: string;
  error?: string;
  /** Already-escaped HTML. */
  body: string;
}

export function renderPage(options: PageOptions): string {
  const tenant = options.tenantName ? `<p class="tenant">${escapeHtml(options.tenantName)}</p>` : '';
  const error = options.error ? `<div class="error" role="alert" id="error">${escapeHtml(options.error)}</div>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}${options.tenantName ? ` · ${escapeHtml(options.tenantName)}` : ''}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(options.title)}</h1>
${tenant}
${error}
${options.body}
</main>
</body>
</html>`;
}
