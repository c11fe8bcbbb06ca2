import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { createConnection } from 'node:net';
import {
  AppError,
  RolloutIpcAgentMessage,
  rolloutChallengeText,
  type RolloutIpcClientMessage,
} from '@tether/protocol';
import { parseRolloutData, type Rollout } from './rollout-file.js';

/** Default socket of an agent running as a service. */
export const DEFAULT_ROLLOUT_SOCKET = '/var/lib/tether-agent/oem-ipc/rollout.sock';

/**
 * SHA-256 (hex) of a public key's DER SubjectPublicKeyInfo: the `app_key_sha256` to register.
 *
 * @example
 * const { accountId, keyId } = await oem.registerApp({ tenantId, appKeySha256: appKeySha256(publicKey) });
 */
export function appKeySha256(publicKey: KeyObject | string): string {
  const key =
    typeof publicKey === 'string' || publicKey.type === 'private'
      ? createPublicKey(publicKey)
      : publicKey;
  const der = key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** Options of {@link requestRolloutData}. */
export interface RequestRolloutDataOptions {
  /** The agent's rollout socket ({@link DEFAULT_ROLLOUT_SOCKET} for a service). */
  socketPath?: string;
  /** What `registerApp` returned. */
  accountId: string;
  keyId: string;
  /** The app's private signing key (Ed25519, EC or RSA); it never leaves this process. */
  privateKey: KeyObject;
  timeoutMs?: number;
}

function digestFor(key: KeyObject): string | null {
  const type = key.asymmetricKeyType;
  return type === 'ed25519' || type === 'ed448' ? null : 'sha256';
}

type Step = { proof: RolloutIpcClientMessage } | { rollout: Rollout };

/** What to do with one line from the agent: sign its challenge, or finish (throws on refusal). */
function onAgentLine(line: string, options: RequestRolloutDataOptions): Step {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    json = undefined;
  }
  const parsed = RolloutIpcAgentMessage.safeParse(json);
  if (!parsed.success) {
    throw new AppError('INTERNAL', 'Unexpected answer from the rollout endpoint; update the SDK.');
  }
  const message = parsed.data;
  if (message.type === 'error') throw new AppError(message.error.code, message.error.message);
  if (message.type === 'rollout') return { rollout: parseRolloutData(message.rollout) };
  const text = rolloutChallengeText({
    accountId: options.accountId,
    keyId: options.keyId,
    nonce: message.nonce,
  });
  const signature = sign(
    digestFor(options.privateKey),
    Buffer.from(text, 'utf8'),
    options.privateKey,
  );
  return { proof: { type: 'proof', signature: signature.toString('base64url') } };
}

/**
 * Asks the agent's local rollout endpoint (O-5) for the rollout data, for platforms where the
 * app cannot read the rollout file: the agent checks the registration (account ID, key ID, the
 * key's SHA-256) and a signature over its one-time challenge.
 *
 * @example
 * const rollout = await requestRolloutData({ accountId, keyId, privateKey: appSigningKey });
 */
export function requestRolloutData(options: RequestRolloutDataOptions): Promise<Rollout> {
  const socketPath = options.socketPath ?? DEFAULT_ROLLOUT_SOCKET;
  const publicKey = createPublicKey(options.privateKey);
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffered = '';
    const settle = (error: unknown, rollout?: Rollout): void => {
      clearTimeout(timer);
      socket.destroy();
      if (rollout) resolve(rollout);
      else
        reject(
          error instanceof Error
            ? error
            : new AppError('UNAVAILABLE', 'The agent closed the rollout endpoint connection.'),
        );
    };
    const timer = setTimeout(
      () =>
        settle(
          new AppError(
            'UNAVAILABLE',
            `No answer from ${socketPath} in time; is the agent running?`,
          ),
        ),
      options.timeoutMs ?? 10_000,
    );
    const write = (message: RolloutIpcClientMessage): void =>
      void socket.write(`${JSON.stringify(message)}\n`);
    socket.setEncoding('utf8');
    socket.on('connect', () =>
      write({
        type: 'hello',
        accountId: options.accountId,
        keyId: options.keyId,
        publicKey: String(publicKey.export({ type: 'spki', format: 'pem' })),
      }),
    );
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const step = onAgentLine(line, options);
          if ('proof' in step) write(step.proof);
          else settle(undefined, step.rollout);
        } catch (error) {
          settle(error);
        }
      }
    });
    socket.on('error', (error) =>
      settle(
        new AppError(
          'UNAVAILABLE',
          `Cannot open ${socketPath} (${error.message}); run as the agent user (root for a service).`,
        ),
      ),
    );
    socket.on('close', () => settle(undefined));
  });
}
