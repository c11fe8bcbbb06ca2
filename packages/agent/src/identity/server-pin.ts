import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { CONFIG_FILE, type AgentConfig } from './agent-state.js';
import { serverKeyHash } from './ed25519.js';

/** The server key this agent trusts, re-pinned when the server hands it over (S-6). */
export interface ServerPin {
  /** The pinned key (raw Ed25519, base64url). */
  current(): string;
  /** Pins `serverKey` durably in `agent.json` first, then for the next connections. */
  repin(serverKey: string): Promise<void>;
}

/**
 * @example
 * const pin = createServerPin(dataDir, state.config);
 * await pin.repin(trustedKey);
 */
export function createServerPin(dataDir: string, config: AgentConfig): ServerPin {
  let pinned = config;
  return {
    current: () => pinned.serverPublicKey,
    async repin(serverKey) {
      const hash = serverKeyHash(serverKey);
      if (hash === undefined) throw new Error('The server key to pin is not base64url.');
      const next: AgentConfig = { ...pinned, serverPublicKey: serverKey, serverKeyHash: hash };
      await writeFileAtomic(
        join(dataDir, CONFIG_FILE),
        `${JSON.stringify(next, null, 2)}\n`,
        0o600,
      );
      pinned = next;
    },
  };
}
