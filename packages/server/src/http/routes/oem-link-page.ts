import { type AppError, httpStatus } from '@tether/protocol';

/** The weight (q) an Accept header gives a media type, through exact, `type/*` or `*\/*` ranges. */
function weightOf(accept: string, mediaType: string): number {
  const [type] = mediaType.split('/');
  let best = -1;
  let weight = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...parameters] = part.trim().toLowerCase().split(';');
    const specificity =
      range === mediaType ? 2 : range === `${type ?? ''}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best) continue;
    best = specificity;
    const q = parameters.map((entry) => entry.trim()).find((entry) => entry.startsWith('q='));
    weight = q ? Number(q.slice(2)) || 0 : 1;
  }
  return weight;
}

/**
 * Whether the client is a browser that would rather see a page than JSON: it names `text/html`
 * and prefers it to `application/json`. API clients that send `Accept: application/json`, or
 * no Accept at all, keep getting the JSON error body.
 *
 * @example
 * prefersHtml('text/html,application/xhtml+xml,*\/*;q=0.8'); // true
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept || !/text\/html/i.test(accept)) return false;
  const html = weightOf(accept, 'text/html');
  return html > 0 && html > weightOf(accept, 'application/json');
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? '',
  );

/** What the page says for a refusal: a refused link is the same whatever check failed (O-3). */
function wording(error: AppError): { title: string; text: string } {
  if (error.code === 'FORBIDDEN') {
    return {
      title: 'This connection link is no longer valid',
      text: 'It was already used, has expired, was altered or was withdrawn. Ask whoever sent it to you (your support provider or management product) for a new one: each link opens one session, once, within 5 minutes.',
    };
  }
  if (error.code === 'DEVICE_OFFLINE') {
    return { title: 'The device is not connected', text: error.message };
  }
  return { title: 'The session could not be opened', text: error.message };
}

/**
 * The page a browser shows for a refused control URL (`/oem/connect?…`), with the status the
 * JSON answer would have had. Self-contained: no script, no external resource.
 *
 * @example
 * reply.status(page.status).type('text/html; charset=utf-8').send(page.html);
 */
export function refusedLinkPage(error: AppError): { status: number; html: string } {
  const { title, text } = wording(error);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)} · Tether</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; }
main { max-width: 34rem; padding: 2rem; }
h1 { font-size: 1.4rem; margin: 0 0 0.75rem; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
</main>
</body>
</html>
`;
  return { status: httpStatus[error.code], html };
}
