import { createPrivateKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, Base64Url, DeviceId, Timestamp } from '@tether/protocol/agent';
import { writeFileAtomic } from './atomic-write.js';

/** File holding the agent's Ed25519 private key (PKCS#8 PEM, 0600). */
export const IDENTITY_FILE = 'identity.pem';
/** File holding what the agent learnt at enrolment (0600). */
export const CONFIG_FILE = 'agent.json';

/**
 * `agent.json`: where the server is and which key it must prove it holds.
 *
 * @example
 * const config: AgentConfig = { serverUrl, deviceId, serverPublicKey, serverKeyHash, enrolledAt };
 */
export interface AgentConfig {
  /** https URL of the server, as given at enrolment. */
  serverUrl: string;
  deviceId: string;
  /** The server's Ed25519 public key (raw, base64url), pinned at enrolment. */
  serverPublicKey: string;
  /** SHA-256 of the key above, from the enrolment token. */
  serverKeyHash: string;
  enrolledAt: string;
}

/** Everything an enrolled agent keeps on disk. */
export interface AgentState {
  config: AgentConfig;
  privateKey: KeyObject;
}

/**
 * Checks parsed `agent.json` content with protocol's schemas (the agent does not import zod
 * itself); returns the first bad field's name on failure.
 */
function parseAgentConfig(json: unknown): AgentConfig | { badField: string } {
  if (typeof json !== 'object' || json === null) return { badField: '(file)' };
  const record = json as Record<string, unknown>;
  const serverUrl = record['serverUrl'];
  if (typeof serverUrl !== 'string' || !isHttpsUrl(serverUrl)) return { badField: 'serverUrl' };
  const deviceId = DeviceId.safeParse(record['deviceId']);
  if (!deviceId.success) return { badField: 'deviceId' };
  const serverPublicKey = Base64Url.safeParse(record['serverPublicKey']);
  if (!serverPublicKey.success) return { badField: 'serverPublicKey' };
  const serverKeyHash = Base64Url.safeParse(record['serverKeyHash']);
  if (!serverKeyHash.success) return { badField: 'serverKeyHash' };
  const enrolledAt = Timestamp.safeParse(record['enrolledAt']);
  if (!enrolledAt.success) return { badField: 'enrolledAt' };
  return {
    serverUrl,
    deviceId: deviceId.data,
    serverPublicKey: serverPublicKey.data,
    serverKeyHash: serverKeyHash.data,
    enrolledAt: enrolledAt.data,
  };
}

function isHttpsUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === 'https:';
}

/**
 * Writes the identity and config after a successful enrolment. The key goes first: a config
 * without a key is unusable, whereas a key without a config is simply "not enrolled yet".
 *
 * @example
 * await writeAgentState(dataDir, { config, privateKey });
 */
export async function writeAgentState(dataDir: string, state: AgentState): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const pem = state.privateKey.export({ format: 'pem', type: 'pkcs8' });
  if (typeof pem !== 'string') throw new Error('PEM export returned bytes.');
  await writeFileAtomic(join(dataDir, IDENTITY_FILE), pem, 0o600);
  await writeFileAtomic(
    join(dataDir, CONFIG_FILE),
    `${JSON.stringify(state.config, null, 2)}\n`,
    0o600,
  );
}

/**
 * Reads what `enrollAgent` wrote; throws an `AppError` that tells the user what to do when the
 * agent is not enrolled or its files are damaged.
 *
 * @example
 * const { config, privateKey } = await readAgentState('/var/lib/tether-agent');
 */
export async function readAgentState(dataDir: string): Promise<AgentState> {
  const configPath = join(dataDir, CONFIG_FILE);
  const identityPath = join(dataDir, IDENTITY_FILE);
  const configText = await readOrExplain(configPath);
  const pem = await readOrExplain(identityPath);
  let json: unknown;
  try {
    json = JSON.parse(configText);
  } catch {
    throw damaged(configPath, 'it is not JSON');
  }
  const config = parseAgentConfig(json);
  if ('badField' in config) throw damaged(configPath, `bad field "${config.badField}"`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw damaged(identityPath, 'it is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw damaged(identityPath, 'it is not an Ed25519 key');
  }
  return { config, privateKey };
}

/**
 * The device this data folder is enrolled as, from `agent.json`; undefined when it holds no
 * enrolment. Used to refuse a second enrolment or install over it.
 *
 * @example
 * const existing = await enrolledDevice('/var/lib/tether-agent'); // { deviceId, serverUrl } | undefined
 */
export async function enrolledDevice(
  dataDir: string,
): Promise<{ deviceId: string; serverUrl: string } | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(dataDir, CONFIG_FILE), 'utf8'));
  } catch {
    return undefined; // no readable agent.json: not enrolled
  }
  const config = parseAgentConfig(json);
  return 'badField' in config
    ? undefined
    : { deviceId: config.deviceId, serverUrl: config.serverUrl };
}

async function readOrExplain(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      throw new AppError(
        'NOT_FOUND',
        `This agent is not enrolled (${path} is missing). Run "tether agent enroll" with the server address and an enrolment token first.`,
      );
    }
    throw new AppError(
      'INTERNAL',
      `Cannot read ${path}: ${String(error)}. Check the permissions of the agent's data directory.`,
    );
  }
}

function damaged(path: string, why: string): AppError {
  return new AppError(
    'INVALID_INPUT',
    `The agent file ${path} is damaged (${why}). Enrol the agent again with "tether agent enroll".`,
  );
}
