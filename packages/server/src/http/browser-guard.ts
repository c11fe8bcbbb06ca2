import { AppError } from '@tether/protocol';
import type { HttpsApp } from './https-app.js';
import { isSameOrigin } from './same-origin.js';

/** A Host header we are willing to repeat inside a CSP: a name or address and a port. */
const PLAIN_HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/**
 * The WebSocket origins a page may connect to: the server's own (the Host it was reached at and
 * the public URL), never any `wss:` host an injected script would like.
 */
export function ownWebSocketOrigins(host: string | undefined, publicUrl?: string): string[] {
  const origins = new Set<string>();
  if (host && PLAIN_HOST.test(host)) origins.add(`wss://${host.toLowerCase()}`);
  if (publicUrl) origins.add(`wss://${new URL(publicUrl).host}`);
  return [...origins];
}

/**
 * The browser-facing protections both listeners share (one implementation for the user and the
 * admin listener): state-changing requests only from our own origin, and the security headers
 * (CSP on HTML, no framing, no sniffing, no referrer, HSTS — both listeners are always TLS).
 *
 * @example
 * installBrowserGuards(app, { publicUrl: () => context.publicUrl(), csp: (wss) => `connect-src ${wss}` });
 */
export function installBrowserGuards(
  app: HttpsApp,
  options: {
    /**
     * The public URL, read at each request (an administrator may change it while the server
     * runs): its origin may send state-changing requests besides the request's Host.
     */
    publicUrl?: () => string;
    /** The page's Content-Security-Policy, given the page's own WebSocket origins. */
    csp(webSocketOrigins: string): string;
    /** The few paths another site's page may POST to (SAML's assertion consumer service). */
    crossSitePost?: (url: string) => boolean;
  },
): void {
  // Cross-site requests cannot change anything: state-changing calls must come from our origin.
  app.addHook('onRequest', (request, _reply, done) => {
    if (
      request.method !== 'GET' &&
      request.method !== 'HEAD' &&
      !(request.method === 'POST' && options.crossSitePost?.(request.url)) &&
      !isSameOrigin(request.headers, options.publicUrl?.())
    ) {
      done(new AppError('FORBIDDEN', 'Cross-origin requests are not allowed.'));
      return;
    }
    done();
  });
  app.addHook('onSend', async (request, reply) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      const wss = ownWebSocketOrigins(request.headers.host, options.publicUrl?.()).join(' ');
      void reply.header('content-security-policy', options.csp(wss));
    }
    void reply.header('x-frame-options', 'DENY');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('strict-transport-security', 'max-age=31536000');
  });
}
