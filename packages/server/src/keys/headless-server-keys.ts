import { join } from 'node:path';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import { loadSecretBox } from './secret-box.js';
import { loadServerKeyRing } from './server-key-ring.js';
import { createServerKeyService, type ServerKeyService } from './server-key-service.js';
import { sharedServerKeys } from './shared-server-keys.js';

/**
 * The server keys of a data directory for `tether admin keys` (S-6), with no agent connected:
 * a running server picks up a rotation within seconds and hands it over to its agents.
 *
 * @example
 * const keys = await headlessServerKeys({ dataDir, store, audit, clock, log });
 * await keys.rotate({ username: 'system', via: 'headless' });
 */
export async function headlessServerKeys(deps: {
  dataDir: string;
  store: Store;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  /** The data directory is a cluster node's: its changes reach the other nodes. */
  isClustered?: boolean;
}): Promise<ServerKeyService> {
  const keysDir = join(deps.dataDir, 'keys');
  const ring = await loadServerKeyRing(keysDir, deps.clock.now());
  const shared = deps.isClustered
    ? sharedServerKeys({
        keysDir,
        settings: deps.store.settings,
        secrets: await loadSecretBox(keysDir),
      })
    : undefined;
  return createServerKeyService({
    ...deps,
    ring,
    presence: new DevicePresence(),
    ...(shared ? { shared } : {}),
  });
}
