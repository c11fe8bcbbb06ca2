import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import {
  AppError,
  RolloutIpcClientMessage,
  rolloutChallengeText,
  type RolloutData,
  type RolloutIpcAgentMessage,
  type RolloutIpcHello,
} from '@tether/protocol';
import type { Logger } from 'pino';
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

const notRegistered = (): AppError =>
  new AppError(
    'FORBIDDEN',
    'This app is not registered on this device: account ID, key ID and signing key must match a registration made with POST /api/v1/oem/appregistrations.',
  );

/** Runs the hello → challenge → proof → rollout exchange on one connection. */
function serveConnection(socket: Socket, options: RolloutEndpointOptions): void {
  let buffered = '';
  let hello: { message: RolloutIpcHello; key: KeyObject; nonce: string } | undefined;
  let isDone = false;
  const cancelTimer = options.clock.setTimer(() => socket.destroy(), EXCHANGE_TIMEOUT_MS);
  socket.once('close', cancelTimer);
  socket.on('error', (error) =>
    options.log.debug({ err: error }, 'rollout endpoint connection failed'),
  );
  const send = (message: RolloutIpcAgentMessage): void =>
    void socket.write(`${JSON.stringify(message)}\n`);
  const finish = (message: RolloutIpcAgentMessage): void => {
    if (isDone) return;
    isDone = true;
    socket.end(`${JSON.stringify(message)}\n`);
  };
  const fail = (error: AppError): void => finish({ type: 'error', error: error.toBody() });

  const onLine = async (line: string): Promise<void> => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      json = undefined;
    }
    const parsed = RolloutIpcClientMessage.safeParse(json);
    if (!parsed.success)
      return fail(
        new AppError('INVALID_INPUT', 'Send one JSON message per line: hello, then proof.'),
      );
    const message = parsed.data;
    if (message.type === 'hello' && !hello) {
      let key: KeyObject;
      try {
        key = createPublicKey(message.publicKey);
      } catch {
        return fail(
          new AppError('INVALID_INPUT', 'publicKey must be the PEM of the app signing key (SPKI).'),
        );
      }
      const app = await options.apps.verify({
        accountId: message.accountId,
        keyId: message.keyId,
        publicKey: key,
      });
      if (!app) return fail(notRegistered());
      hello = { message, key, nonce: randomBytes(32).toString('base64url') };
      return send({ type: 'challenge', nonce: hello.nonce });
    }
    if (message.type === 'proof' && hello) {
      const text = rolloutChallengeText({ ...hello.message, nonce: hello.nonce });
      const isValid = verify(
        digestFor(hello.key),
        Buffer.from(text, 'utf8'),
        hello.key,
        Buffer.from(message.signature, 'base64url'),
      );
      if (!isValid) return fail(notRegistered());
      const rollout = options.rollout();
      if (!rollout)
        return fail(
          new AppError('UNAVAILABLE', 'The device has no rollout data yet; retry in a moment.'),
        );
      options.log.info(
        { accountId: hello.message.accountId, keyId: hello.message.keyId },
        'rollout data handed to a registered app',
      );
      return finish({ type: 'rollout', rollout });
    }
    fail(new AppError('INVALID_INPUT', 'Unexpected message: send hello first, then proof.'));
  };

  socket.setEncoding('utf8');
  let queue: Promise<void> = Promise.resolve();
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_LINE_BYTES)
      return fail(new AppError('INVALID_INPUT', 'Message too long.'));
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      queue = queue
        .then(() => (isDone ? undefined : onLine(line)))
        .catch((error: unknown) => {
          options.log.error({ err: error }, 'rollout endpoint request failed');
          fail(new AppError('INTERNAL', 'The agent could not answer; see its log.'));
        });
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
