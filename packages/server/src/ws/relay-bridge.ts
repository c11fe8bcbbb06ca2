import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { wsCloseCode } from '@tether/protocol';
import type { ServerContext } from '../ports/server-context.js';
import { pairPeers, type RelayPair, type RelayPeer } from '../relay/index.js';
import { busLink } from '../relay/bus-link.js';
import { subjects } from '../cluster/subjects.js';
import {
  servedFingerprint,
  signedNodeRequest,
  verifiedNodeRequest,
} from '../cluster/node-requests.js';
import { RemotePeer } from '../relay/remote-peer.js';
import { wsNodeLink } from './ws-node-link.js';

/** Where a relay node accepts the direct links of ends that landed on other nodes. */
export const NODE_RELAY_PATH = /^\/cluster\/v1\/relay\/([0-9a-f-]{36})$/;

/** What the edge node passes on about an end it bridges: what the relay node checks itself. */
export const BridgedEnd = z.object({
  sessionId: z.uuid(),
  token: z.string().max(4096),
  /** The login cookie of the technician's end (logins are in the shared database). */
  cookie: z.string().max(4096).optional(),
  sourceAddress: z.string().max(256),
  /** The edge node. */
  from: z.string().max(64),
  at: z.number(),
});
export type BridgedEnd = z.infer<typeof BridgedEnd>;

const BusOpen = BridgedEnd.extend({ linkId: z.uuid() });

/** How a relay node joins a bridged end to its session (ws/upgrade.ts: the local join). */
export type JoinBridgedEnd = (end: BridgedEnd, peer: RelayPeer) => Promise<void>;

const brokenOnEdge = (relayNode: string): { code: number; reason: string } => ({
  code: wsCloseCode.UNAVAILABLE,
  reason: `The server node relaying this session (${relayNode}) stopped or is unreachable.`,
});
const brokenOnRelay = (edgeNode: string): { code: number; reason: string } => ({
  // 1006: the relay node's pair then says whose connection dropped, as for a local end.
  code: 1006,
  reason: `The connection dropped: its server node (${edgeNode}) stopped or is unreachable.`,
});

/**
 * The node a relay end must be bridged to: the session's relay node when it is another live
 * node; undefined when this node relays it (or nobody does: the local join refuses it).
 */
export async function relayNodeToBridge(
  context: ServerContext,
  sessionId: string,
): Promise<string | undefined> {
  if (!context.cluster.isClustered || context.sessions.isRelayedHere(sessionId)) return undefined;
  const node = await context.store.sessions.relayNodeOf(sessionId);
  return node === undefined || node === context.cluster.nodeId ? undefined : node;
}

/**
 * Carries a relay end that landed here to its session's relay node and back: its frames with
 * credit-based flow control, its close with the code and reason either side gave. Recording
 * and every check happen on the relay node. Resolves with the pair once the link is up; the
 * local end is closed with the reason when the relay node cannot be reached.
 */
export async function bridgeRelayEnd(
  context: ServerContext,
  input: { end: BridgedEnd; relayNode: string; local: RelayPeer },
): Promise<RelayPair | undefined> {
  const { end, relayNode, local } = input;
  const broken = brokenOnEdge(relayNode);
  const remote =
    context.config.cluster?.relayBridge === 'bus'
      ? await openBusLink(context, end, relayNode, broken)
      : await openDirectLink(context, end, relayNode, broken);
  if (!remote) {
    local.close(broken.code, broken.reason);
    return undefined;
  }
  const pair = pairPeers({
    sessionId: end.sessionId,
    console: local,
    agent: remote,
    keepCloses: true,
    onEnd: (ended) =>
      context.log.debug({ sessionId: end.sessionId, relayNode, ...ended }, 'bridged end closed'),
  });
  local.resume();
  return pair;
}

async function openDirectLink(
  context: ServerContext,
  end: BridgedEnd,
  relayNode: string,
  broken: { code: number; reason: string },
): Promise<RemotePeer | undefined> {
  const url = await context.cluster.nodeUrl(relayNode);
  if (!url) return undefined;
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/cluster/v1/relay/${end.sessionId}`, {
    headers: signedNodeRequest(context.identity, end),
    perMessageDeflate: false,
    maxPayload: 16 * 1024 * 1024,
    // A zero mask: `ws` then skips masking every byte (the link is inside TLS between nodes,
    // masking protects nothing there).
    generateMask: (mask) => void mask.fill(0),
    // Pinned below to the certificate every node serves, not checked against a CA and a host.
    rejectUnauthorized: false,
  });
  // Listening from the start: the relay node's first frames can come in the same read as its
  // upgrade answer, and `ws` drops messages nobody listens to.
  const peer = new RemotePeer(wsNodeLink(socket), broken);
  const served = { fingerprint: '' };
  socket.once('upgrade', (response) => {
    served.fingerprint = servedFingerprint(response.socket) ?? '';
  });
  const isTrusted = (): boolean => served.fingerprint === context.tls.fingerprint;
  const isOpen = await new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(isTrusted()));
    socket.once('error', (error) => {
      context.log.warn({ err: error, relayNode }, 'could not reach the relay node');
      resolve(false);
    });
  });
  if (isOpen) return peer;
  if (!isTrusted()) context.log.warn({ relayNode }, 'a relay node served another certificate');
  socket.terminate();
  return undefined;
}

async function openBusLink(
  context: ServerContext,
  end: BridgedEnd,
  relayNode: string,
  broken: { code: number; reason: string },
): Promise<RemotePeer | undefined> {
  const { bus } = context.cluster;
  const linkId = randomUUID();
  const isAlive = async (): Promise<boolean> =>
    (await context.cluster.nodeUrl(relayNode)) !== undefined;
  // Subscribed before the relay node hears of it: its first frames must not be missed.
  const peer = new RemotePeer(busLink({ bus, linkId, side: 'edge', isAlive }), broken);
  try {
    await bus.request(subjects.relayOpen(relayNode), { ...end, linkId }, 10_000);
    return peer;
  } catch (error) {
    context.log.warn({ err: error, relayNode }, 'the relay node did not take the bus link');
    peer.close(broken.code, broken.reason);
    return undefined;
  }
}

/**
 * The relay node's side of direct links: checks the edge node's signature (every node holds
 * the same server identity) and freshness; undefined when the request is not a node's.
 */
export function acceptedNodeRequest(
  context: ServerContext,
  request: IncomingMessage,
  sessionId: string,
): BridgedEnd | undefined {
  const end = verifiedNodeRequest(context, request.headers, BridgedEnd);
  return end?.sessionId === sessionId ? end : undefined;
}

/** Joins a direct link's end, accepted by {@link acceptedNodeRequest}, to its session. */
export function joinDirectLink(
  socket: WebSocket,
  end: BridgedEnd,
  join: JoinBridgedEnd,
): Promise<void> {
  return join(end, new RemotePeer(wsNodeLink(socket), brokenOnRelay(end.from)));
}

/** Takes bus links to the sessions this node relays; returns the stop function. */
export function acceptBusLinks(context: ServerContext, join: JoinBridgedEnd): () => void {
  const { bus, nodeId } = context.cluster;
  return bus.respond(subjects.relayOpen(nodeId), (message) => {
    const parsed = BusOpen.safeParse(message);
    if (!parsed.success) return Promise.resolve({ accepted: false });
    const { linkId, ...end } = parsed.data;
    const isAlive = async (): Promise<boolean> =>
      (await context.cluster.nodeUrl(end.from)) !== undefined;
    const link = busLink({ bus, linkId, side: 'relay', isAlive });
    const peer = new RemotePeer(link, brokenOnRelay(end.from));
    context.tasks.run('join a bridged relay end', () => join(end, peer));
    return Promise.resolve({ accepted: true });
  });
}
