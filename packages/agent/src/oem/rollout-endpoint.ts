import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import {
  APP_REGISTRATION_ENDPOINT,
  AppError,
  RolloutIpcClientMessage,
  rolloutChallengeText,
  type RolloutData,
  type RolloutIpcAgentMessage,
  type RolloutIpcHello,
} from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import type { Clock } from '../clock.js';
import type { AppRegistry } from './app-registry.js';

/** A connection gets this long to finish the exchange. */
const EXCHANGE_TIMEOUT_MS = 10_000;
/** Longest line accepted from an app (a PEM public key fits easily). */
const MAX_LINE_BYTES = 16 * 1024;

/** Options of {@link startRolloutEndpoint}. */
export interface RolloutEndpointOptions {
  /** Unix socket path; its folder is made 0700 and the socket 0600. */
  socketPath: string;
  apps: AppRegistry;
  /** The current rollout data (undefined until the remote-control ID is known). */
  rollout: () => RolloutData | undefined;
  clock: Clock;
  log: Logger;
}

/** The running endpoint. */
export interface RolloutEndpoint {
  close(): Promise<void>;
}

/** Ed25519/Ed448 sign without a separate digest; RSA and EC keys use SHA-256. */
function digestFor(key: KeyObject): string | null {
  const type = key.asymmetricKeyType;
  return type === 'ed25519' || type === 'ed448' ? null : 'sha256';
}

const registerApp = APP_REGISTRATION_ENDPOINT;
const notRegistered = (): AppError =>
  new AppError(
    'FORBIDDEN',
    `This app is not registered on this device: account ID, key ID and signing key must match a registration made with ${registerApp.method} ${registerApp.path}.`,
  );

/** What one connection has established so far. */
interface Exchange {
  hello?: { message: RolloutIpcHello; key: KeyObject; nonce: string };
}

function parseLine(line: string): RolloutIpcClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    json = undefined;
  }
  const parsed = RolloutIpcClientMessage.safeParse(json);
  if (!parsed.success) {
    throw new AppError('INVALID_INPUT', 'Send one JSON message per line: hello, then proof.');
  }
  return parsed.data;
}

/** hello: the key must be the one registered for (accountId, keyId); answers a challenge. */
async function answerHello(
  message: RolloutIpcHello,
  exchange: Exchange,
  options: RolloutEndpointOptions,
): Promise<RolloutIpcAgentMessage> {
  let key: KeyObject;
  try {
    key = createPublicKey(message.publicKey);
  } catch {
    throw new AppError('INVALID_INPUT', 'publicKey must be the PEM of the app signing key (SPKI).');
  }
  const app = await options.apps.verify({
    accountId: message.accountId,
    keyId: message.keyId,
    publicKey: key,
  });
  if (!app) throw notRegistered();
  exchange.hello = { message, key, nonce: randomBytes(32).toString('base64url') };
  return { type: 'challenge', nonce: exchange.hello.nonce };
}

/** proof: a signature over this connection's challenge by the registered key; answers the data. */
function answerProof(
  signature: string,
  hello: NonNullable<Exchange['hello']>,
  options: RolloutEndpointOptions,
): RolloutIpcAgentMessage {
  const text = rolloutChallengeText({ ...hello.message, nonce: hello.nonce });
  const isValid = verify(
    digestFor(hello.key),
    Buffer.from(text, 'utf8'),
    hello.key,
    Buffer.from(signature, 'base64url'),
  );
  if (!isValid) throw notRegistered();
  const rollout = options.rollout();
  if (!rollout) {
    throw new AppError('UNAVAILABLE', 'The device has no rollout data yet; retry in a moment.');
  }
  options.log.info(
    { accountId: hello.message.accountId, keyId: hello.message.keyId },
    'rollout data handed to a registered app',
  );
  return { type: 'rollout', rollout };
}

/** The answer to one line: hello first, then proof; anything else ends the exchange. */
async function answer(
  line: string,
  exchange: Exchange,
  options: RolloutEndpointOptions,
): Promise<RolloutIpcAgentMessage> {
  const message = parseLine(line);
  if (message.type === 'hello' && !exchange.hello) return answerHello(message, exchange, options);
  if (message.type === 'proof' && exchange.hello) {
    return answerProof(message.signature, exchange.hello, options);
  }
  throw new AppError('INVALID_INPUT', 'Unexpected message: send hello first, then proof.');
}

/** Frames one connection: lines in order, one answer each, closed after the final one. */
function serveConnection(socket: Socket, options: RolloutEndpointOptions): void {
  const exchange: Exchange = {};
  let buffered = '';
  let isDone = false;
  let queue: Promise<void> = Promise.resolve();
  const cancelTimer = options.clock.setTimer(() => socket.destroy(), EXCHANGE_TIMEOUT_MS);
  socket.once('close', cancelTimer);
  socket.on('error', (error) =>
    options.log.debug({ err: error }, 'rollout endpoint connection failed'),
  );
  const reply = (message: RolloutIpcAgentMessage): void => {
    if (isDone) return;
    const text = `${JSON.stringify(message)}\n`;
    if (message.type === 'challenge') {
      socket.write(text);
      return;
    }
    isDone = true;
    socket.end(text);
  };
  const replyError = (error: unknown): void => {
    if (!(error instanceof AppError)) {
      options.log.error({ err: error }, 'rollout endpoint request failed');
    }
    const known =
      error instanceof AppError
        ? error
        : new AppError('INTERNAL', 'The agent could not answer; see its log.');
    reply({ type: 'error', error: known.toBody() });
  };

  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_LINE_BYTES) {
      replyError(new AppError('INVALID_INPUT', 'Message too long.'));
      return;
    }
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      queue = queue
        .then(async () => (isDone ? undefined : reply(await answer(line, exchange, options))))
        .catch(replyError);
    }
  });
}

/**
 * Starts the local rollout endpoint (O-5): a Unix socket only the agent's user can open (root
 * when the agent runs as a service) that hands the rollout data to registered integrator apps.
 *
 * @example
 * const endpoint = await startRolloutEndpoint({ socketPath, apps, rollout: () => file.current(), clock, log });
 */
export async function startRolloutEndpoint(
  options: RolloutEndpointOptions,
): Promise<RolloutEndpoint> {
  const folder = dirname(options.socketPath);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  await rm(options.socketPath, { force: true });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(options.socketPath, 0o600);
  return {
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(options.socketPath, { force: true });
    },
  };
}
