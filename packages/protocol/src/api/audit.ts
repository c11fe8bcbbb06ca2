import { z } from 'zod';
import { DeviceId, RecordingId, SessionId, Timestamp, UserId } from '../ids.js';

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
  /** A custom role was created, changed (`details` lists the changed fields) or deleted. */
  'role.created',
  'role.updated',
  'role.deleted',
  /** A signed-in user was refused a call or relay join their role does not allow. */
  'permission.refused',
  'team.created',
  'team.renamed',
  'team.deleted',
  'team.member_added',
  'team.member_removed',
  /** Rights of a team or user on a device group set (`details.rights`; empty: revoked). */
  'grant.changed',
  /** A user lacked a right on a device's group (`details`: right, group, device). */
  'access.denied',
  /** A user enrolled a second factor (`details.method`: totp, passkey; `details.name` of a passkey). */
  'second_factor.enrolled',
  /** A user removed one of their second factors (`details.method`, `details.name`). */
  'second_factor.removed',
  /** A user signed in with a recovery code (`details.left`: unused codes left). */
  'second_factor.recovery_code_used',
  /** A user generated new recovery codes (the old ones stop working). */
  'second_factor.recovery_codes_generated',
  /** An administrator (or `tether … reset-2fa`) removed every second factor of a user (`target`). */
  'second_factor.reset',
  'settings.changed',
  /** An administrator tried a username against a directory (`details`: username, outcome). */
  'directory.tested',
  'installer.created',
  'installer.revoked',
  /** An administrator gave an installer a new expiry (`details.expiresAt`). */
  'installer.extended',
  /**
   * An installer's agent package was downloaded (`details.file`; `actor` the user, or `public
   * link` for the one-liner's links): each one carries the installer's token.
   */
  'installer.package_downloaded',
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
  /** Shared sessions: an invitation, a guest joining or leaving, a refused join. */
  'session.invited',
  'session.invitation_revoked',
  'session.guest_joined',
  'session.guest_left',
  'session.join_refused',
  'unattended.created',
  'unattended.refused',
  'unattended.connected',
  'unattended.auth_failed',
  'unattended.throttled',
  'unattended.expired',
  'unattended.revoked',
  /** Ad-hoc sessions: a code made, taken by a device, refused on the portal, ended. */
  'adhoc.created',
  'adhoc.connected',
  'adhoc.refused',
  'adhoc.ended',
  'relay.refused',
  'admin.refused',
  /** How many more refusals of one kind a source had since its first was audited. */
  'refusals.summary',
  /** Audit rows older than `audit.retentionDays` were deleted. */
  'audit.pruned',
  /** An agent sent messages far faster than allowed and was disconnected. */
  'device.rate_limited',
  /** Maintenance flagged a device lost: offline past the lost threshold (`details.lastSeenAt`, A-7). */
  'device.lost',
  /** The agent was uninstalled on the device (`details.outcome`: marked or removed, A-8). */
  'device.uninstalled',
  /** An administrator asked for agent upgrades (`target`: the group or device count; `details.version`). */
  'upgrade.requested',
  /** An agent runs the version it was upgraded to (`details`: from, to). */
  'device.upgraded',
  /** An agent upgrade failed or was rolled back (`details`: from, to, state, reason). */
  'device.upgrade_failed',
  /** A user woke an offline device (`details`: method passive or wake-on-lan, address or via and macs). */
  'device.wake',
  'upload.queued',
  'upload.completed',
  'recording.local_removed',
  'upload.failed',
  'storage.tested',
  /** An administrator sent a test notification (`details`: channel, recipient, ok). */
  'notification.tested',
  /** A notification could not be delivered after every attempt (`details`: kind, channel, recipient, error). */
  'notification.failed',
  'policy.created',
  'policy.updated',
  'policy.deleted',
  'policy.assigned',
  'device_group.created',
  /** Renamed (`details.previousName`) and/or described anew. */
  'device_group.updated',
  'device_group.deleted',
  /** A device moved to another group (`details.from`, `details.to`). */
  'device.moved',
  /** A device was renamed or its comments or tags changed (`details`: what changed, from what). */
  'device.updated',
  /**
   * A device was deleted (`details`: name, group, `by` administrator or maintenance, whether its
   * agent was online and told to uninstall).
   */
  'device.deleted',
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
  /** A backup was written (`details`: file, origin, includesRecordings). */
  'backup.created',
  /** A backup could not be written (`details`: origin, error). */
  'backup.failed',
  'backup.deleted',
  /** Scheduled backups older than the retention were removed (`details.files`). */
  'backup.pruned',
  /** A restore from the admin console was checked and waits for the restart (`target`: file). */
  'backup.restore_requested',
  /** A restore from the admin console was applied as the server started (into the restored log). */
  'backup.restored',
  /** A restore from the admin console failed as the server started; nothing was changed. */
  'backup.restore_failed',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** The user an entry is about, named as they are now (or were, when deleted). */
export const AuditUser = z.object({
  id: UserId,
  username: z.string(),
  /** Empty when the user has none; show the username then. */
  displayName: z.string(),
  /** The user was deleted since; the name is the one they had. */
  isDeleted: z.boolean(),
});
export type AuditUser = z.infer<typeof AuditUser>;

/** The device an entry is about, under its current name. */
export const AuditDevice = z.object({ id: DeviceId, name: z.string() });
export type AuditDevice = z.infer<typeof AuditDevice>;

/**
 * One audit entry. The log is append-only. `user`, `device`, `sessionId` and `recordingId` are
 * recorded with the entry (ids) and named when it is read, so a renamed device shows its new name.
 *
 * @example
 * `${entry.at} ${entry.user?.displayName || entry.actor} ${entry.action} ${entry.device?.name ?? ''}`
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
  /** The user who acted (signed-in user, or the account a failed sign-in named), when known. */
  user: AuditUser.nullable(),
  /** The device acted on or acting, when there is one. */
  device: AuditDevice.nullable(),
  sessionId: SessionId.nullable(),
  recordingId: RecordingId.nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `GET /api/v1/audit`: newest first; `hasMore` when older entries match the same filters. */
export const AuditPage = z.object({ entries: z.array(AuditEntry), hasMore: z.boolean() });
export type AuditPage = z.infer<typeof AuditPage>;
