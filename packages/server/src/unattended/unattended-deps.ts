import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { BackgroundTasks } from '../jobs/background-tasks.js';
import type { Logger } from '../logging.js';
import type { EffectivePolicy } from '../policies/effective-policy.js';
import type { SessionService } from '../sessions/session-service.js';
import type { DeviceRights } from '../rights/device-rights.js';
import type { Store } from '../store/store.js';

/** What the unattended service is built from (its helpers in this folder take parts of it). */
export interface UnattendedServiceDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  presence: DevicePresence;
  sessions: SessionService;
  /** Unattended access needs the `unattended` right on the device's group. */
  rights: Pick<DeviceRights, 'authorize' | 'of'>;
  log: Logger;
  assistanceFor(deviceId: string): Promise<EffectivePolicy['assistance']>;
  publicUrl(): string;
  /** How long the agent has to confirm its service is on (default 10 s). */
  replyTimeoutMs?: number;
  /** How often expiry is checked (default 1 s). */
  checkEveryMs?: number;
  /** Where work nobody awaits goes (default: its own, logging and auditing failures). */
  tasks?: BackgroundTasks;
}
