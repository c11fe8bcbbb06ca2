import type { AuditLog } from '../audit/audit-log.js';
import { systemClock } from '../clock.js';
import { createDeviceRights } from '../rights/device-rights.js';
import type { Store } from '../store/store.js';
import { createAdhocSessions, type AdhocSessions } from './adhoc-sessions.js';

/**
 * Ad-hoc sessions on a data directory's store, for `tether adhoc` (S-3: while the server runs
 * or not). A one-time device of a session ended here is not deleted at once: it is ephemeral,
 * so maintenance removes it 5 minutes after it went offline (the running server deletes it
 * when its agent leaves).
 *
 * @example
 * const adhoc = adhocSessionsHeadless({ store, audit, publicUrl });
 */
export function adhocSessionsHeadless(deps: {
  store: Store;
  audit: AuditLog;
  publicUrl: string;
}): AdhocSessions {
  return createAdhocSessions({
    store: deps.store,
    clock: systemClock,
    audit: deps.audit,
    rights: createDeviceRights({ store: deps.store, audit: deps.audit }),
    publicUrl: () => deps.publicUrl,
    removeDevice: () => Promise.resolve(),
  });
}
