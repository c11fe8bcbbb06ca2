import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SettingsRepository } from '../store/store.js';
import { readIfExists, writeSecretFile } from './files.js';
import type { SecretBox } from './secret-box.js';
import { publicKeyHash } from './server-identity.js';
import { PRIVATE_DIR, RING_FILE, RingFile } from './server-key-ring.js';

const SETTINGS_KEY = 'server-keys';
const Shared = z.object({
  /** The ring file as the node that changed it last wrote it. */
  ring: z.string(),
  /** The private half of each key not retired, by fingerprint, sealed with the secret box. */
  privateKeys: z.record(z.string(), z.string()),
});
const contextOf = (fingerprint: string): string => `server-key:${fingerprint}`;

/** The server keys a cluster's nodes share; see {@link sharedServerKeys}. */
export interface SharedServerKeys {
  /** Writes this node's ring into the shared settings (after it rotated or retired a key). */
  publish(): Promise<void>;
  /**
   * Makes the keys folder hold the shared ring when it differs (another node rotated or retired
   * a key), so the ring's next reload takes it; publishes this node's ring when none is shared.
   */
  take(): Promise<void>;
}

/**
 * The server signing keys (S-6) of a cluster's nodes: every node signs with the same
 * current key, so a rotation or a retirement on one node reaches the others. The ring and the
 * private halves of the keys not retired are kept in the shared settings, the private halves
 * sealed with the secret box of the keys folder the nodes copied from the first.
 *
 * @example
 * const shared = sharedServerKeys({ keysDir, settings: store.settings, secrets });
 * await shared.take(); // then ring.reload()
 */
export function sharedServerKeys(deps: {
  keysDir: string;
  settings: SettingsRepository;
  secrets: SecretBox;
}): SharedServerKeys {
  const { keysDir, settings, secrets } = deps;
  const ringFile = join(keysDir, RING_FILE);
  const privateFile = (fingerprint: string): string =>
    join(keysDir, PRIVATE_DIR, `${fingerprint}.pem`);
  const entriesOf = (text: string) => RingFile.parse(JSON.parse(text)).keys;

  const publish = async (): Promise<void> => {
    const ring = await readIfExists(ringFile);
    if (ring === undefined) return;
    const privateKeys: Record<string, string> = {};
    for (const entry of entriesOf(ring)) {
      if (entry.retiredAt !== undefined) continue;
      const fingerprint = publicKeyHash(entry.publicKey);
      const pem = await readIfExists(privateFile(fingerprint));
      if (pem !== undefined) privateKeys[fingerprint] = secrets.seal(pem, contextOf(fingerprint));
    }
    await settings.set(SETTINGS_KEY, { ring, privateKeys });
  };

  return {
    publish,
    async take() {
      const parsed = Shared.safeParse(await settings.get(SETTINGS_KEY));
      if (!parsed.success) return publish();
      const { ring, privateKeys } = parsed.data;
      if ((await readIfExists(ringFile)) === ring) return;
      // Private halves first, the ring file last: it is the commit point the reload reads.
      for (const entry of entriesOf(ring)) {
        const fingerprint = publicKeyHash(entry.publicKey);
        const sealed = privateKeys[fingerprint];
        if (entry.retiredAt !== undefined) await rm(privateFile(fingerprint), { force: true });
        else if (
          sealed !== undefined &&
          (await readIfExists(privateFile(fingerprint))) === undefined
        )
          await writeSecretFile(
            privateFile(fingerprint),
            secrets.open(sealed, contextOf(fingerprint)),
          );
      }
      await writeSecretFile(ringFile, ring);
    },
  };
}
