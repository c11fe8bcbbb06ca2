import { AppError } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import type { SessionService } from '../sessions/session-service.js';
import type { OemTenantRecord, OemTokenRecord } from '../store/oem-repository.js';
import type { Store } from '../store/store.js';
import type { AgentRequests } from './agent-requests.js';

/** What the integration API needs from the rest of the server. */
export interface OemDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  presence: DevicePresence;
  sessions: SessionService;
  log: Logger;
  /** The URL browsers use for the user listener (the connection URLs point there). */
  publicUrl(): string;
  /** How long to wait for an agent's answer (default 20 s). */
  replyTimeoutMs?: number;
}

/** The deps plus the request forwarder, shared by the parts of the OEM service. */
export interface OemContext extends OemDeps {
  requests: AgentRequests;
  /**
   * The tenants, read at most once a second: every agent connection asks which tenants' app
   * registrations its device needs (a change reaches the agents connecting after it within
   * the second; the agents online are sent a new registration when it is made).
   */
  tenants(): Promise<OemTenantRecord[]>;
}

/** A caller authenticated by a script token. */
export interface OemCaller {
  token: OemTokenRecord;
  tenant: OemTenantRecord;
  sourceAddress: string;
}

/**
 * Audits a refused integration API call, then throws `error`. The reason stays in the audit log
 * (it may say which check failed); the caller only sees the generic message of `error`. Refusals
 * are tallied per source, operation and code: the first in a window is a full row, the rest a
 * `refusals.summary` count.
 */
export async function refuse(
  context: OemContext,
  input: {
    operation: string;
    actor: string;
    reason: string;
    sourceAddress: string | null;
    target?: string | null;
    details?: Record<string, unknown>;
  },
  error: AppError,
): Promise<never> {
  await context.audit.refused(
    {
      action: 'oem.refused',
      actor: input.actor,
      target: input.target ?? null,
      sourceAddress: input.sourceAddress,
      details: {
        operation: input.operation,
        reason: input.reason,
        code: error.code,
        ...input.details,
      },
    },
    // Operation and code, never the free-text reason: a device's answer must not mint groups.
    { reason: `${input.operation} ${error.code}` },
  );
  throw error;
}

/** The actor name of a script token in the audit log. */
export function tokenActor(token: OemTokenRecord): string {
  return `token:${token.id}`;
}
