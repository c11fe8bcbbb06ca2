import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AGENT_CONNECT_PATH,
  AgentMessage,
  EnrollRequest,
  agentProofText,
  enrollmentProofText,
  enrollmentSigningInput,
  formatEnrollmentToken,
  parseControlMessage,
  serverProofText,
  type AgentSettings,
  type EnrollmentClaims,
  type MessageOf,
  type ServerMessage,
} from '@tether/protocol';
import type { TestCertificate } from './tls-certificate.js';

/** An Ed25519 key as a server holds it. */
export interface ServerKey {
  privateKey: KeyObject;
  /** Raw, base64url. */
  publicKey: string;
  /** SHA-256 of the raw key, base64url: what tokens pin. */
  keyHash: string;
}

/** A fresh server signing key. */
export function makeServerKey(): ServerKey {
  const pair = generateKeyPairSync('ed25519');
  const { x } = pair.publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('no raw key');
  const keyHash = createHash('sha256').update(Buffer.from(x, 'base64url')).digest('base64url');
  return { privateKey: pair.privateKey, publicKey: x, keyHash };
}

function signB64(key: KeyObject, text: string): string {
  return sign(null, Buffer.from(text), key).toString('base64url');
}

/** How the fake server misbehaves, for the tests of the agent's checks. */
export interface FakeServerBehaviour {
  /** Replaces the enrolment answer. */
  enroll?: (
    request: EnrollRequest,
    proper: { status: number; body: unknown },
  ) => { status: number; body: unknown };
  /** Replaces the challenge sent on the control channel. */
  challenge?: (
    proper: MessageOf<ServerMessage, 'challenge'>,
  ) => MessageOf<ServerMessage, 'challenge'>;
  settings?: AgentSettings;
  heartbeatSec?: number;
  /** The welcome says a WebSocket ping is enough of a heartbeat (today's server does). */
  isPingHeartbeat?: boolean;
  /** Whether the control channel answers pings (ws does by default). */
  isAutoPong?: boolean;
}

/** The server side of one agent control connection. */
export interface FakeAgentConnection {
  socket: WebSocket;
  received: AgentMessage[];
  /**
   * Resolves when the connection closes. Listened for from the start: an agent that refuses the
   * server may close before the test holds the connection.
   */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the next message of a type (or one already received and not yet taken). */
  next<K extends AgentMessage['type']>(type: K): Promise<MessageOf<AgentMessage, K>>;
  send(message: ServerMessage): void;
}

/** A tiny Tether server: enrolment, the control handshake with real keys, and a relay hook. */
export interface FakeServer {
  url: string;
  key: ServerKey;
  /** Device ID → agent public key, filled by enrolment. */
  devices: Map<string, string>;
  makeToken(overrides?: Partial<EnrollmentClaims>): string;
  nextConnection(): Promise<FakeAgentConnection>;
  /** Receives relay sockets (`/relay/…`); set by terminal tests. */
  onRelay?: (socket: WebSocket, request: IncomingMessage) => void;
  behaviour: FakeServerBehaviour;
  close(): Promise<void>;
}

/** Starts the fake server on 127.0.0.1 with an ephemeral port. */
export async function startFakeServer(
  cert: TestCertificate,
  behaviour: FakeServerBehaviour = {},
): Promise<FakeServer> {
  const key = makeServerKey();
  const devices = new Map<string, string>();
  const pending: FakeAgentConnection[] = [];
  const waiters: ((connection: FakeAgentConnection) => void)[] = [];
  const https: Server = createServer({ key: cert.key, cert: cert.cert });
  const control = new WebSocketServer({ noServer: true, autoPong: behaviour.isAutoPong ?? true });
  const relay = new WebSocketServer({ noServer: true });
  const server: FakeServer = {
    url: '',
    key,
    devices,
    behaviour,
    makeToken(overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      const claims: EnrollmentClaims = {
        installerId: randomUUID(),
        group: 'Default',
        serverKeyHash: key.keyHash,
        exp: now + 3600,
        iat: now,
        ...overrides,
      };
      const input = enrollmentSigningInput(claims);
      return formatEnrollmentToken(input, sign(null, Buffer.from(input), key.privateKey));
    },
    nextConnection() {
      const ready = pending.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      for (const client of [...control.clients, ...relay.clients]) client.terminate();
      control.close();
      relay.close();
      https.closeAllConnections();
      https.close();
      await once(https, 'close');
    },
  };
  https.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void handleEnroll(request, response, { server, fingerprint: cert.fingerprint });
  });
  https.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'https://x').pathname;
    if (path === AGENT_CONNECT_PATH) {
      control.handleUpgrade(request, socket, head, (ws) => {
        const connection = serveControl(ws, { server, fingerprint: cert.fingerprint });
        const waiter = waiters.shift();
        if (waiter) waiter(connection);
        else pending.push(connection);
      });
    } else if (path.startsWith('/relay/') && server.onRelay) {
      const onRelay = server.onRelay;
      relay.handleUpgrade(request, socket, head, (ws) => onRelay(ws, request));
    } else {
      socket.destroy();
    }
  });
  https.listen(0, '127.0.0.1');
  await once(https, 'listening');
  server.url = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  return server;
}

async function handleEnroll(
  request: IncomingMessage,
  response: ServerResponse,
  context: { server: FakeServer; fingerprint: string },
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const reply = (status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const parsed = EnrollRequest.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  if (request.url !== '/api/v1/agent/enroll' || !parsed.success) {
    reply(422, { code: 'INVALID_INPUT', message: 'Bad enrolment request.' });
    return;
  }
  const { key, devices } = context.server;
  const deviceId = randomUUID();
  const proof = enrollmentProofText({
    deviceId,
    agentPublicKey: parsed.data.publicKey,
    channel: { mode: 'direct', tlsFingerprint: context.fingerprint },
  });
  const proper = {
    status: 201,
    body: { deviceId, serverPublicKey: key.publicKey, signature: signB64(key.privateKey, proof) },
  };
  const answer = context.server.behaviour.enroll?.(parsed.data, proper) ?? proper;
  if (answer === proper) devices.set(deviceId, parsed.data.publicKey);
  reply(answer.status, answer.body);
}

function serveControl(
  socket: WebSocket,
  context: { server: FakeServer; fingerprint: string },
): FakeAgentConnection {
  const { server } = context;
  const received: AgentMessage[] = [];
  const listeners = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const send = (message: ServerMessage): void => socket.send(JSON.stringify(message));
  let hello: MessageOf<AgentMessage, 'hello'> | undefined;
  let serverNonce = '';
  socket.on('message', (data) => {
    const parsed = parseControlMessage(AgentMessage, Buffer.from(data as Buffer).toString('utf8'));
    if (!parsed.ok) return socket.close(4422, parsed.error.message);
    const message = parsed.message;
    if (message.type === 'hello') {
      hello = message;
      serverNonce = randomBytes(32).toString('base64url');
      const proof = serverProofText({
        agentNonce: message.agentNonce,
        serverNonce,
        channel: { mode: 'direct', tlsFingerprint: context.fingerprint },
      });
      const challenge = {
        type: 'challenge' as const,
        serverNonce,
        serverPublicKey: server.key.publicKey,
        signature: signB64(server.key.privateKey, proof),
      };
      send(server.behaviour.challenge?.(challenge) ?? challenge);
    } else if (message.type === 'auth' && hello) {
      const publicKey = server.devices.get(hello.deviceId);
      const text = agentProofText({
        deviceId: hello.deviceId,
        serverNonce,
        agentNonce: hello.agentNonce,
      });
      const key =
        publicKey &&
        createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
      if (
        !key ||
        !verify(null, Buffer.from(text), key, Buffer.from(message.signature, 'base64url'))
      ) {
        send({
          type: 'error',
          error: { code: 'AUTH_FAILED', message: 'Unknown device or bad signature.' },
        });
        return socket.close(4401, 'auth failed');
      }
      const settings = server.behaviour.settings ?? {
        statistics: { intervalSec: 15, enabled: [] },
      };
      send({
        type: 'welcome',
        deviceId: hello.deviceId,
        settings,
        heartbeatSec: server.behaviour.heartbeatSec ?? 30,
        ...(server.behaviour.isPingHeartbeat && { isPingHeartbeat: true }),
      });
    }
    received.push(message);
    for (const listener of [...listeners]) listener();
  });
  const next = <K extends AgentMessage['type']>(type: K): Promise<MessageOf<AgentMessage, K>> =>
    new Promise((resolve) => {
      const check = (): void => {
        const index = received.findIndex((message) => message.type === type);
        if (index < 0) return;
        listeners.delete(check);
        resolve(received.splice(index, 1)[0] as MessageOf<AgentMessage, K>);
      };
      listeners.add(check);
      check();
    });
  return { socket, received, closed, next, send };
}
