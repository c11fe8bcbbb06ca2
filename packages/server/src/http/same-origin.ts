import type { IncomingHttpHeaders } from 'node:http';

/**
 * True when a browser request comes from our own pages: no Origin header (not a cross-site
 * browser request) or an Origin equal to the Host it was sent to, or to the public URL.
 * Used for every WebSocket upgrade and every state-changing API call.
 */
export function isSameOrigin(headers: IncomingHttpHeaders, publicUrl: string | undefined): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const allowed = new Set<string>();
  if (headers.host) allowed.add(`https://${headers.host}`);
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  return allowed.has(origin);
}
