import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AppError,
  KeyHandover,
  SERVER_KEY_HANDOVER_PURPOSE,
  keyHandoverText,
} from '@tether/protocol';
import { z } from 'zod';
import { readIfExists, writeSecretFile } from './files.js';
import { identityFrom, publicKeyHash, type ServerIdentity } from './server-identity.js';

/** The current key, where the CLI and older tools read it (a mirror of the ring's newest). */
const CURRENT_FILE = 'server-signing.pem';
/** The ring's public part: keys, their dates, the hand-overs. Written last: the commit point. */
export const RING_FILE = 'server-keys.json';
/** One PKCS#8 PEM per key not retired, named by fingerprint. */
export const PRIVATE_DIR = 'server-keys';

export const RingFile = z.object({
  version: z.literal(1),
  keys: z.array(
    z.object({
      publicKey: z.string(),
      createdAt: z.string(),
      retiredAt: z.string().optional(),
    }),
  ),
  handovers: z.array(KeyHandover),
});
type RingFile = z.infer<typeof RingFile>;

/** One server signing key, public facts only. */
export interface ServerKeyRecord {
  readonly publicKey: string;
  /** base64url SHA-256 of the raw public key: installers' pin, the admin console's name for it. */
  readonly fingerprint: string;
  readonly createdAt: Date;
  readonly retiredAt: Date | undefined;
  readonly status: 'current' | 'previous' | 'retired';
}

/**
 * The server's signing keys over time (S-6). The newest signs; each rotation makes every key
 * not yet retired sign a hand-over to the new one, so an agent on any of them needs one link.
 */
export interface ServerKeyRing {
  /** Always the current key: installers, enrolment and agent proofs follow a rotation at once. */
  readonly identity: ServerIdentity;
  /** Oldest first; the last is the current key. */
  keys(): readonly ServerKeyRecord[];
  /** The hand-overs to the current key from every key not retired (empty before a rotation). */
  handovers(): KeyHandover[];
  /** A key not retired, by fingerprint: installers made before a rotation still enrol with it. */
  identityFor(fingerprint: string): ServerIdentity | undefined;
  /** Generates a new key and makes it current; the keys not retired hand over to it. */
  rotate(now: Date): Promise<ServerKeyRecord>;
  /** Deletes an old key's private half and stops offering its hand-over. */
  retire(fingerprint: string, now: Date): Promise<ServerKeyRecord>;
  /**
   * Re-reads the ring if another process (the headless CLI) changed it; resolves true when the
   * current key changed.
   */
  reload(): Promise<boolean>;
}

interface LoadedKey {
  identity: ServerIdentity;
  createdAt: Date;
  retiredAt: Date | undefined;
}

function pemOf(privateKey: KeyObject): string {
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * Loads the ring from `keysDir`, creating it around the existing `server-signing.pem` (or a new
 * key) on first start.
 *
 * @example
 * const ring = await loadServerKeyRing(join(dataDir, 'keys'), clock.now());
 */
export async function loadServerKeyRing(keysDir: string, now: Date): Promise<ServerKeyRing> {
  const file = join(keysDir, RING_FILE);
  let text = await readIfExists(file);
  if (text === undefined) {
    const { identity, createdAt } = await adoptCurrentFile(keysDir, now);
    const ring: RingFile = {
      version: 1,
      keys: [{ publicKey: identity.publicKey, createdAt: createdAt.toISOString() }],
      handovers: [],
    };
    text = ringText(ring);
    await writeSecretFile(file, text);
  }
  const loaded = await readRing(keysDir, text);
  await mirrorCurrent(keysDir, loaded.keys, loaded.ring);
  return createRing({ keysDir, ...loaded, text });
}

function ringText(ring: RingFile): string {
  return `${JSON.stringify(ring, null, 2)}\n`;
}

/** Parses the ring file and loads the private half of every key not retired. */
async function readRing(
  keysDir: string,
  text: string,
): Promise<{ ring: RingFile; keys: Map<string, LoadedKey> }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = RingFile.safeParse(json);
  if (!parsed.success || parsed.data.keys.length === 0)
    throw new Error(
      `${join(keysDir, RING_FILE)} is damaged; restore the keys folder from a backup.`,
    );
  const keys = new Map<string, LoadedKey>();
  for (const entry of parsed.data.keys) keys.set(entry.publicKey, await loadEntry(keysDir, entry));
  return { ring: parsed.data, keys };
}

function currentOf(ring: RingFile, keys: Map<string, LoadedKey>): LoadedKey {
  const newest = ring.keys.at(-1);
  const loaded = newest && keys.get(newest.publicKey);
  if (!loaded) throw new Error('The server key ring has no current key.');
  return loaded;
}

/** The key of a data folder from before the ring: its creation date is the file's. */
async function adoptCurrentFile(
  keysDir: string,
  now: Date,
): Promise<{ identity: ServerIdentity; createdAt: Date }> {
  const file = join(keysDir, CURRENT_FILE);
  const existing = await readIfExists(file);
  const privateKey = existing
    ? createPrivateKey(existing)
    : generateKeyPairSync('ed25519').privateKey;
  const identity = identityFrom(privateKey);
  await writeSecretFile(
    join(keysDir, PRIVATE_DIR, `${identity.publicKeyHash}.pem`),
    pemOf(privateKey),
  );
  const createdAt = existing ? (await stat(file)).mtime : now;
  return { identity, createdAt };
}

async function loadEntry(keysDir: string, entry: RingFile['keys'][number]): Promise<LoadedKey> {
  const createdAt = new Date(entry.createdAt);
  const retiredAt = entry.retiredAt === undefined ? undefined : new Date(entry.retiredAt);
  if (retiredAt) return { identity: publicOnly(entry.publicKey), createdAt, retiredAt };
  const fingerprint = publicOnly(entry.publicKey).publicKeyHash;
  const pem = await readIfExists(join(keysDir, PRIVATE_DIR, `${fingerprint}.pem`));
  if (pem === undefined)
    throw new Error(
      `The private half of server key ${fingerprint} is missing from ${join(keysDir, PRIVATE_DIR)}; restore the keys folder from a backup.`,
    );
  const identity = identityFrom(createPrivateKey(pem));
  if (identity.publicKey !== entry.publicKey)
    throw new Error(
      `Server key file ${fingerprint}.pem holds another key; restore it from a backup.`,
    );
  return { identity, createdAt, retiredAt };
}

/** A retired key: it can still be named and counted, never sign. */
function publicOnly(publicKey: string): ServerIdentity {
  return {
    publicKey,
    publicKeyHash: publicKeyHash(publicKey),
    sign: () => {
      throw new Error('A retired server key cannot sign.');
    },
    verify: () => false,
  };
}

/** `server-signing.pem` always holds the current key (the CLI signs installers with it). */
async function mirrorCurrent(
  keysDir: string,
  keys: Map<string, LoadedKey>,
  ring: RingFile,
): Promise<void> {
  const { identity } = currentOf(ring, keys);
  const file = join(keysDir, CURRENT_FILE);
  const pem = await readIfExists(join(keysDir, PRIVATE_DIR, `${identity.publicKeyHash}.pem`));
  if (pem === undefined) return;
  if ((await readIfExists(file)) !== pem) await writeSecretFile(file, pem);
}

function createRing(state: {
  keysDir: string;
  ring: RingFile;
  keys: Map<string, LoadedKey>;
  text: string;
}): ServerKeyRing {
  const { keysDir } = state;
  let { ring, keys, text } = state;
  const current = (): LoadedKey => currentOf(ring, keys);
  const recordOf = (publicKey: string): ServerKeyRecord => {
    const loaded = keys.get(publicKey);
    if (!loaded) throw new Error('Unknown server key.');
    const isCurrent = current().identity.publicKey === publicKey;
    return {
      publicKey,
      fingerprint: loaded.identity.publicKeyHash,
      createdAt: loaded.createdAt,
      retiredAt: loaded.retiredAt,
      status: isCurrent ? 'current' : loaded.retiredAt ? 'retired' : 'previous',
    };
  };
  const byFingerprint = (fingerprint: string): LoadedKey | undefined =>
    [...keys.values()].find((loaded) => loaded.identity.publicKeyHash === fingerprint);
  const save = async (next: RingFile): Promise<void> => {
    const nextText = ringText(next);
    await writeSecretFile(join(keysDir, RING_FILE), nextText);
    ring = next;
    text = nextText;
  };

  const identity: ServerIdentity = {
    get publicKey() {
      return current().identity.publicKey;
    },
    get publicKeyHash() {
      return current().identity.publicKeyHash;
    },
    sign: (text) => current().identity.sign(text),
    verify: (text, signature) => current().identity.verify(text, signature),
  };

  return {
    identity,
    keys: () => ring.keys.map((entry) => recordOf(entry.publicKey)),
    handovers() {
      const to = current().identity.publicKey;
      return ring.handovers.filter(
        (link) => link.toKey === to && keys.get(link.fromKey)?.retiredAt === undefined,
      );
    },
    identityFor(fingerprint) {
      const loaded = byFingerprint(fingerprint);
      return loaded && !loaded.retiredAt ? loaded.identity : undefined;
    },
    async rotate(now) {
      const { privateKey } = generateKeyPairSync('ed25519');
      const next = identityFrom(privateKey);
      // The new private key is on disk before any hand-over names it.
      await writeSecretFile(
        join(keysDir, PRIVATE_DIR, `${next.publicKeyHash}.pem`),
        pemOf(privateKey),
      );
      const createdAt = now.toISOString();
      const links = [...keys.values()]
        .filter((loaded) => !loaded.retiredAt)
        .map((loaded) => {
          const link = {
            fromKey: loaded.identity.publicKey,
            toKey: next.publicKey,
            createdAt,
            purpose: SERVER_KEY_HANDOVER_PURPOSE,
          };
          return { ...link, signature: loaded.identity.sign(keyHandoverText(link)) };
        });
      const updated: RingFile = {
        ...ring,
        keys: [...ring.keys, { publicKey: next.publicKey, createdAt }],
        handovers: [...ring.handovers, ...links],
      };
      keys.set(next.publicKey, { identity: next, createdAt: now, retiredAt: undefined });
      await save(updated);
      await mirrorCurrent(keysDir, keys, ring);
      return recordOf(next.publicKey);
    },
    async retire(fingerprint, now) {
      const loaded = byFingerprint(fingerprint);
      if (!loaded) throw new AppError('NOT_FOUND', `There is no server key ${fingerprint}.`);
      if (loaded === current())
        throw new AppError(
          'CONFLICT',
          'The current server key cannot be retired: rotate to a new key first.',
        );
      if (loaded.retiredAt) return recordOf(loaded.identity.publicKey);
      const publicKey = loaded.identity.publicKey;
      const updated: RingFile = {
        ...ring,
        keys: ring.keys.map((entry) =>
          entry.publicKey === publicKey ? { ...entry, retiredAt: now.toISOString() } : entry,
        ),
      };
      await save(updated);
      keys.set(publicKey, {
        identity: publicOnly(publicKey),
        createdAt: loaded.createdAt,
        retiredAt: now,
      });
      await rm(join(keysDir, PRIVATE_DIR, `${fingerprint}.pem`), { force: true });
      return recordOf(publicKey);
    },
    async reload() {
      const latest = await readIfExists(join(keysDir, RING_FILE));
      if (latest === undefined || latest === text) return false;
      const before = current().identity.publicKey;
      ({ ring, keys } = await readRing(keysDir, latest));
      text = latest;
      await mirrorCurrent(keysDir, keys, ring);
      return current().identity.publicKey !== before;
    },
  };
}
