import type { AuditAction } from '@tether/protocol';
import type { AuditLog } from './audit-log.js';

/** Who made an administrative change: a signed-in user, or the headless CLI on the data folder. */
export interface AdminActor {
  username: string;
  sourceAddress?: string;
  /** `headless` for the `tether …` commands that work on the data directory. */
  via?: 'headless';
}

/**
 * Audits an administrative change (users, roles, teams, device groups) by `actor`, noting when
 * it came through the headless CLI.
 *
 * @example
 * await recordChange(audit, 'team.created', actor, team.name);
 */
export function recordChange(
  audit: AuditLog,
  action: AuditAction,
  actor: AdminActor,
  target: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  return audit.record({
    action,
    actor: actor.username,
    target,
    sourceAddress: actor.sourceAddress ?? null,
    details: actor.via ? { ...details, via: actor.via } : details,
  });
}
