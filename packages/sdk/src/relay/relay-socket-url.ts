import type { RelayTicket } from '@tether/protocol';

/** Where the page was loaded from: `window.location` fits, as does a `URL`. */
export interface RelayBase {
  /** `https:` or `http:` (a trailing colon is optional). */
  protocol: string;
  /** Host and port, e.g. `tether.example.com:8443`. */
  host: string;
}

/**
 * The WebSocket URL at which the console joins a session's relay: `wss://` for pages served
 * over HTTPS, `ws://` otherwise, with the one-time token in the query.
 *
 * @example
 * const { relay } = await api.createSession({ deviceId, kind: 'terminal' });
 * const socket = new WebSocket(relaySocketUrl(relay, window.location));
 */
export function relaySocketUrl(
  ticket: Pick<RelayTicket, 'path' | 'token'>,
  base: RelayBase,
): string {
  const secure = base.protocol.replace(/:$/, '') === 'https';
  const path = ticket.path.startsWith('/') ? ticket.path : `/${ticket.path}`;
  const separator = path.includes('?') ? '&' : '?';
  return `${secure ? 'wss' : 'ws'}://${base.host}${path}${separator}token=${encodeURIComponent(ticket.token)}`;
}
