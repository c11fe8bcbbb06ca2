import type { IncomingMessage } from 'node:http';
import type { HttpsApp } from './https-app.js';
import { clientAddress, type ProxyTrust } from '../net/forwarded.js';

/** Each request's client address, computed once when it arrives on the user listener. */
const resolved = new WeakMap<IncomingMessage, string>();

/**
 * Works out, once, who sent this request or upgrade: the socket peer, or behind a trusted
 * proxy the address it forwarded (`clientAddress`). Everything after reads it back with
 * `clientAddressOf`: audit rows, sign-in throttling and sources, session and policy checks.
 */
export function resolveClientAddress(message: IncomingMessage, trust: ProxyTrust): string {
  const address = clientAddress({
    peer: message.socket.remoteAddress ?? 'unknown',
    headers: message.headers,
    trust,
  });
  resolved.set(message, address);
  return address;
}

/**
 * The address `resolveClientAddress` found; the socket's own where nothing resolved it — the
 * admin listener never does: its network check must not depend on a header a proxy could relay.
 */
export function clientAddressOf(message: IncomingMessage): string {
  return resolved.get(message) ?? message.socket.remoteAddress ?? 'unknown';
}

/** Resolves every request of `app` before any other hook reads its address. */
export function resolveClientAddresses(app: HttpsApp, trust: () => ProxyTrust): void {
  app.addHook('onRequest', (request, _reply, done) => {
    resolveClientAddress(request.raw, trust());
    done();
  });
}
