import { z } from 'zod';
import { Timestamp } from '../ids.js';

/** Security-relevant events. */
export const AuditAction = z.enum([
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.unlocked',
  'user.password_reset',
  'user.created',
  /** Display name or role changed; `details` lists the changed fields with their new values. */
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  /** A user chose a new password themselves (`details.forced`: they had to). */
  'user.password_changed',
  'settings.changed',
  /** An administrator tried a username against a directory (`details`: username, outcome). */
  'directory.tested',
  'installer.created',
  'installer.revoked',
  'device.enrolled',
  'device.enroll_refused',
  'device.connected',
  'device.disconnected',
  'device.auth_failed',
  'session.requested',
  'session.started',
  'session.ended',
  'session.refused',
  'session.window_closing',
  /** A session reached its absolute lifetime (`sessions.maxLifetimeSec`) and was ended. */
  'session.lifetime_reached',
  'unattended.created',
  'unattended.refused',
  'unattended.connected',
  'unattended.auth_failed',
  'unattended.throttled',
  'unattended.expired',
  'unattended.revoked',
  'relay.refused',
  'admin.refused',
  /** How many more refusals of one kind a source had since its first was audited. */
  'refusals.summary',
  /** Audit rows older than `audit.retentionDays` were deleted. */
  'audit.pruned',
  /** An agent sent messages far faster than allowed and was disconnected. */
  'device.rate_limited',
  'upload.queued',
  'upload.completed',
  'recording.local_removed',
  'upload.failed',
  'storage.tested',
  'policy.created',
  'policy.updated',
  'policy.deleted',
  'policy.assigned',
  'oem.tenant_created',
  'oem.tenant_updated',
  'oem.token_created',
  'oem.token_revoked',
  'oem.device_key_created',
  'oem.control_requested',
  'oem.control_redeemed',
  'oem.device_key_deleted',
  'oem.app_registered',
  'oem.refused',
  'file.uploaded',
  'file.downloaded',
  'file.transfer_failed',
  'file.refused',
  'server.task_failed',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/**
 * One audit entry. The log is append-only; `GET /api/v1/audit/export` streams it as JSON lines.
 *
 * @example
 * `${entry.at} ${entry.actor} ${entry.action} ${entry.target ?? ''}`
 */
export const AuditEntry = z.object({
  id: z.int(),
  at: Timestamp,
  action: AuditAction,
  /** Who did it: a username, `device:<id>`, `system`, or a source address for anonymous attempts. */
  actor: z.string(),
  target: z.string().nullable(),
  sourceAddress: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `GET /api/v1/audit?limit=&before=` */
export const AuditPage = z.object({ entries: z.array(AuditEntry) });
export type AuditPage = z.infer<typeof AuditPage>;
