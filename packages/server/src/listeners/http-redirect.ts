import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { guardConnections, type ConnectionLimits } from '../http/connection-guard.js';
import type { Logger } from '../logging.js';

/** A host name, IPv4 address or bracketed IPv6 address, with an optional port. */
const HOST = /^(?<name>[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The HTTPS URL for a plain-HTTP request: same host, the HTTPS port, path and query kept.
 * Undefined when the Host header is missing or not a host name (answered 400: a redirect to
 * whatever a client put there is an open redirect).
 *
 * @example
 * httpsLocation({ host: 'support.example.com', url: '/devices?q=1', httpsPort: 443 });
 * // 'https://support.example.com/devices?q=1'
 */
export function httpsLocation(request: {
  host: string | undefined;
  url: string | undefined;
  httpsPort: number;
}): string | undefined {
  const name = HOST.exec(request.host ?? '')?.groups?.name;
  if (!name) return undefined;
  const port = request.httpsPort === 443 ? '' : `:${request.httpsPort}`;
  const path = request.url?.startsWith('/') ? request.url : '/';
  return `https://${name.toLowerCase()}${port}${path}`;
}

/**
 * The plain-HTTP listener (S-4): it serves nothing itself and redirects every request to the
 * HTTPS listener, `/.well-known/` included (an ACME HTTP-01 check follows redirects to
 * HTTPS on 443, and Tether answers no challenge itself). GET and HEAD get 301; other methods
 * 308 so a client repeats the method and body on HTTPS.
 */
export function createHttpRedirect(options: {
  /** The port clients reach HTTPS on: the public URL's, else the bound one. */
  httpsPort: () => number;
  connections: ConnectionLimits;
  trustedProxies: readonly string[];
  log: Logger;
}): Server {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const location = httpsLocation({
      host: request.headers.host,
      url: request.url,
      httpsPort: options.httpsPort(),
    });
    if (!location) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('This server answers HTTPS only; the request had no valid Host header.\n');
      return;
    }
    const status = request.method === 'GET' || request.method === 'HEAD' ? 301 : 308;
    response.writeHead(status, {
      location,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(`This server answers HTTPS only: ${location}\n`);
  });
  guardConnections(
    server,
    { ...options.connections, trustedProxies: options.trustedProxies },
    options.log,
  );
  return server;
}

/** Binds a plain Node server (the redirect); resolves with its port, rejects with the bind error. */
export function listenPlain(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port, backlog: 511 }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
