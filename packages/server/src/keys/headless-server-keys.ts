import { join } from 'node:path';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import { loadServerKeyRing } from './server-key-ring.js';
import { createServerKeyService, type ServerKeyService } from './server-key-service.js';

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
}): Promise<ServerKeyService> {
  const ring = await loadServerKeyRing(join(deps.dataDir, 'keys'), deps.clock.now());
  return createServerKeyService({ ...deps, ring, presence: new DevicePresence() });
}
