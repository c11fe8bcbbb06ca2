import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AGENT_CONNECT_PATH,
  AppError,
  RETRY_AFTER_MS_HEADER,
  SESSION_COOKIE,
  wsCloseCode,
} from '@tether/protocol';
import type { ServerContext } from '../ports/server-context.js';
import type { AuditEvent } from '../audit/audit-log.js';
import { AgentChannel, type AgentChannelDeps } from '../devices/agent-channel.js';
import { admitMessages } from './agent-message-budget.js';
import { readCookie } from '../http/request-context.js';
import { clientAddressOf, resolveClientAddress } from '../http/client-address.js';
import { isSameOrigin } from '../http/same-origin.js';
import { databaseUnavailable, isDatabaseUnavailable } from '../store/index.js';
import { wsRelayPeer } from './ws-relay-peer.js';
import type { RelayPair, RelayPeer } from '../relay/index.js';
import {
  NODE_RELAY_PATH,
  acceptBusLinks,
  acceptedNodeRequest,
  bridgeRelayEnd,
  joinDirectLink,
  relayNodeToBridge,
  type BridgedEnd,
} from './relay-bridge.js';
import { presentedFingerprint } from '../keys/tls.js';

const RELAY_PATH = /^\/relay\/v1\/([0-9a-f-]{36})$/;

const optionalCookie = (cookie: string | undefined): { cookie?: string } =>
  cookie === undefined ? {} : { cookie };

function refuseUpgrade(
  socket: Duplex,
  status: string,
  message: string,
  headers: readonly string[] = [],
): void {
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\n${headers.map((header) => `${header}\r\n`).join('')}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}

/**
 * Tells an agent over the admission rate when to come back (A-13): a few hundred bytes written
 * and the socket closed, with no WebSocket, database or signature work, so that refusing a
 * storm costs the server little more than the TLS handshakes it has already done.
 */
function deferAgent(socket: Duplex, retryAfterMs: number): void {
  refuseUpgrade(
    socket,
    '503 Service Unavailable',
    'Too many agents are connecting at once; come back after Retry-After.',
    [`Retry-After: ${Math.ceil(retryAfterMs / 1000)}`, `${RETRY_AFTER_MS_HEADER}: ${retryAfterMs}`],
  );
}

/**
 * WebSocket upgrades on the user listener: the agents' control channel and the session relay.
 * Every upgrade's Origin is checked first; a foreign one is refused before any WebSocket exists.
 */
export function attachWebSockets(
  server: Server,
  context: ServerContext,
  channelDeps: AgentChannelDeps,
): { channels: Set<AgentChannel>; close(): Promise<void> } {
  const agentServer = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 256 * 1024,
  });
  const relayServer = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 16 * 1024 * 1024,
  });
  const channels = new Set<AgentChannel>();
  /** Closed channels' last writes still in flight: shutdown waits for them before the store. */
  const closing = new Set<Promise<void>>();
  /**
   * Audits a refused upgrade. Never rejects: the callers are not awaited by anyone, and a row
   * that cannot be written (the database is down) must not crash the process.
   */
  const recordRefusal = (event: AuditEvent): Promise<void> =>
    context.audit.refused(event).catch((error: unknown) => {
      context.log.warn({ err: error, target: event.target }, 'could not audit a refused upgrade');
    });

  const onAgent = (ws: WebSocket, request: IncomingMessage): void => {
    const remoteAddress = clientAddressOf(request);
    const channel = new AgentChannel(channelDeps, {
      send: (text) => ws.send(text),
      close: (code, reason) => ws.close(code, reason),
      remoteAddress,
      tlsFingerprint: presentedFingerprint(request.socket, context.tls.fingerprint),
    });
    channels.add(channel);
    const admit = admitMessages(channel, {
      ...channelDeps,
      limits: context.config.agents,
      remoteAddress,
    });
    ws.on('message', (data, isBinary) => {
      if (!admit()) return;
      if (isBinary)
        channel.fail(
          new AppError('INVALID_INPUT', 'The control channel carries text messages only.'),
        );
      else
        channel.onText(
          Buffer.isBuffer(data)
            ? data.toString('utf8')
            : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'),
        );
    });
    ws.on('ping', () => channel.onPing());
    ws.on('close', () => {
      channels.delete(channel);
      const done = channel.onClose();
      closing.add(done);
      context.tasks.run('record an agent disconnection', () =>
        done.finally(() => closing.delete(done)),
      );
    });
    ws.on('error', (error) => context.log.debug({ err: error }, 'agent socket error'));
  };

  /**
   * Joins one relay end to a session this node relays, whether it landed here (`peer` is its
   * socket) or on another node that bridges it (`peer` is the link). Refusals close the end.
   */
  const joinRelay = async (end: BridgedEnd, peer: RelayPeer): Promise<void> => {
    const { sessionId, token, sourceAddress } = end;
    // Nothing is read until the session holds the peer: `ws` drops messages nobody listens to,
    // and the console's RESIZE and first keystrokes arrive while the cookie is checked against
    // the database (a round trip to PostgreSQL is long enough to lose them).
    peer.pause();
    try {
      const principal = await context.auth.authenticate(end.cookie);
      // The technician's end re-checks their right: a grant revoked after the session was
      // requested stops it here. The agent's end carries no login and is checked by its ticket;
      // an invited user's end is checked against the right their invitation needs (A-9).
      const needed = principal && (await context.sessions.consoleRightOf(sessionId, token));
      if (principal && needed) {
        await context.rights
          .authorize(principal.user, needed.deviceId, needed.right, { sourceAddress })
          .catch(async (error: unknown) => {
            // The session can never start now: end it instead of leaving the agent waiting.
            // A guest refused leaves the session as it is.
            if (error instanceof AppError && !needed.isGuest)
              await context.sessions.end(sessionId, error.message, wsCloseCode[error.code]);
            throw error;
          });
      }
      await context.sessions.join({
        sessionId,
        token,
        peer,
        ...(principal ? { user: principal.user, permissions: principal.permissions } : {}),
      });
      if (principal) {
        // The technician's end lives only as long as the login that opened it.
        const release = context.auth.holdOpen(principal, () =>
          peer.close(wsCloseCode.AUTH_REQUIRED, 'The login that opened this session has ended.'),
        );
        peer.onClose(release);
      }
      peer.resume();
    } catch (error) {
      const appError =
        error instanceof AppError
          ? error
          : isDatabaseUnavailable(error)
            ? databaseUnavailable()
            : new AppError('INTERNAL', 'The relay failed to join this session.');
      if (appError.code === 'INTERNAL')
        context.log.error({ err: error, sessionId }, 'relay join failed');
      await recordRefusal({
        action: 'relay.refused',
        actor: sourceAddress,
        target: sessionId,
        sourceAddress,
        details: { reason: appError.message },
      });
      // Reading again: the close handshake needs the peer's answer, or the socket lingers until
      // the close timeout (30 s) and the peer sees the refusal that late.
      peer.resume();
      peer.close(wsCloseCode[appError.code], appError.message.slice(0, 120));
    }
  };

  /** Ends bridged here to sessions other nodes relay: shutdown closes them with a reason. */
  const bridges = new Set<RelayPair>();
  const onRelay = async (
    ws: WebSocket,
    request: IncomingMessage,
    sessionId: string,
  ): Promise<void> => {
    const url = new URL(request.url ?? '/', 'https://relay');
    ws.on('error', (error) => context.log.debug({ err: error, sessionId }, 'relay socket error'));
    const peer = wsRelayPeer(ws);
    peer.pause();
    const end: BridgedEnd = {
      sessionId,
      token: url.searchParams.get('token') ?? '',
      ...optionalCookie(readCookie(request.headers.cookie, SESSION_COOKIE)),
      sourceAddress: clientAddressOf(request),
      from: context.cluster.nodeId,
      at: context.clock.now().getTime(),
    };
    const relayNode = await relayNodeToBridge(context, sessionId).catch(() => undefined);
    if (relayNode === undefined) return joinRelay(end, peer);
    const pair = await bridgeRelayEnd(context, { end, relayNode, local: peer });
    if (!pair) return;
    bridges.add(pair);
    ws.once('close', () => bridges.delete(pair));
  };
  const stopBusLinks = acceptBusLinks(context, joinRelay);

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Upgrades pass no Fastify hook: their client address is resolved here (S-11).
    resolveClientAddress(request, context.proxy.trust());
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const nodeLink = NODE_RELAY_PATH.exec(path);
    if (nodeLink?.[1]) {
      // Another node bridging an end: it signs its request instead of sending an Origin.
      const end = acceptedNodeRequest(context, request, nodeLink[1]);
      if (!end) return refuseUpgrade(socket, '403 Forbidden', 'Not a node of this cluster.');
      relayServer.handleUpgrade(request, socket, head, (ws) =>
        context.tasks.run('join a bridged relay end', () => joinDirectLink(ws, end, joinRelay)),
      );
      return;
    }
    if (!isSameOrigin(request.headers, context.publicUrl())) {
      context.tasks.run('audit a WebSocket from another site', () =>
        context.audit.refused({
          action: 'relay.refused',
          actor: clientAddressOf(request),
          target: path,
          sourceAddress: clientAddressOf(request),
          details: { reason: 'foreign origin', origin: request.headers.origin },
        }),
      );
      refuseUpgrade(
        socket,
        '403 Forbidden',
        'WebSocket connections from other sites are not allowed.',
      );
      return;
    }
    if (path === AGENT_CONNECT_PATH) {
      const decision = context.admission.admit();
      if (!decision.isAdmitted) return deferAgent(socket, decision.retryAfterMs);
      agentServer.handleUpgrade(request, socket, head, (ws) => onAgent(ws, request));
      return;
    }
    const relay = RELAY_PATH.exec(path);
    if (relay?.[1]) {
      const sessionId = relay[1];
      relayServer.handleUpgrade(request, socket, head, (ws) =>
        context.tasks.run('join a relay', () => onRelay(ws, request, sessionId)),
      );
      return;
    }
    refuseUpgrade(socket, '404 Not Found', 'No WebSocket endpoint here.');
  });

  return {
    channels,
    /** Closes every agent and relay connection and waits until their last writes are done. */
    async close() {
      stopBusLinks();
      // Ends bridged to other nodes are told why; the relay node ends its session with it.
      for (const pair of bridges)
        pair.close(1001, 'The server node carrying this connection is shutting down.');
      const clients = [...agentServer.clients, ...relayServer.clients];
      const gone = clients.map(
        (client) => new Promise<void>((resolve) => client.once('close', () => resolve())),
      );
      // Agents are told why (they reconnect later); one that does not answer is cut.
      for (const client of clients) client.close(1001, 'The server is shutting down.');
      const cancelCut = context.clock.setTimer(
        () => clients.forEach((client) => client.terminate()),
        2000,
      );
      agentServer.close();
      relayServer.close();
      await Promise.all(gone);
      cancelCut();
      await Promise.all([...closing]);
    },
  };
}
