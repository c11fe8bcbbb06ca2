import { z } from 'zod';
import { Timestamp, UserId } from '../ids.js';
import type { Permission } from './permissions.js';
import type { SessionKind } from './sessions.js';

/**
 * What a user may do on the devices of one device group (issue 12). Granted to a team or a user
 * per group; a user's rights on a device are the union of the grants for the device's group
 * (and for all groups, {@link ALL_GROUPS}) to them and to their teams.
 */
export const DEVICE_RIGHTS = [
  /** See the device, its statistics and its sessions. */
  'device.view',
  'terminal',
  /** Watch the desktop without input. */
  'desktop.view',
  /** Use the desktop's keyboard and mouse. */
  'desktop.control',
  'files',
  /** Turn unattended access on or off and connect with its one-time password. */
  'unattended',
  /** List, play and download the device's recordings. */
  'recordings',
  'devices.manage',
  /** Assign policies to the group. */
  'policies.manage',
] as const;

/** One right on a device group. */
export const DeviceRight = z.enum(DEVICE_RIGHTS);
export type DeviceRight = z.infer<typeof DeviceRight>;

/** The group name of a grant that covers every device group, present and future. */
export const ALL_GROUPS = '*';

/**
 * The global permission each right needs as well: the user's role is the ceiling, so a role
 * without `sessions.open` (an auditor) never opens a session whatever a grant says.
 *
 * @example
 * RIGHT_CEILING.terminal // 'sessions.open'
 */
export const RIGHT_CEILING: Readonly<Record<DeviceRight, Permission>> = {
  'device.view': 'devices.view',
  terminal: 'sessions.open',
  'desktop.view': 'sessions.open',
  'desktop.control': 'sessions.open',
  files: 'sessions.open',
  unattended: 'sessions.open',
  recordings: 'recordings.view',
  // No global "manage devices" permission exists yet; installers are the closest device
  // administration a role may do.
  'devices.manage': 'installers.manage',
  'policies.manage': 'policies.manage',
};

/**
 * The right a session needs: its kind, and for the desktop whether it only watches.
 *
 * @example
 * sessionRight('desktop', true) // 'desktop.view'
 */
export function sessionRight(kind: SessionKind, viewOnly = false): DeviceRight {
  if (kind === 'desktop') return viewOnly ? 'desktop.view' : 'desktop.control';
  return kind;
}

/** A team's name: unique case-insensitively. */
export const TeamName = z.string().trim().min(1).max(64);

/** A team's ID (UUID). */
export const TeamId = z.uuid();

/** A member as a team lists them. */
export const TeamMember = z.object({
  id: UserId,
  username: z.string(),
  displayName: z.string(),
});
export type TeamMember = z.infer<typeof TeamMember>;

/**
 * A team of users; rights are granted to it per device group.
 *
 * @example
 * const names = team.members.map((member) => member.username);
 */
export const Team = z.object({
  id: TeamId,
  name: z.string(),
  createdAt: Timestamp,
  /** By username. */
  members: z.array(TeamMember),
});
export type Team = z.infer<typeof Team>;

/** `GET /api/v1/teams` */
export const TeamList = z.object({ teams: z.array(Team) });
export type TeamList = z.infer<typeof TeamList>;

/** One team. */
export const TeamResponse = z.object({ team: Team });
export type TeamResponse = z.infer<typeof TeamResponse>;

/**
 * `POST /api/v1/teams` and `PATCH /api/v1/teams/:id` (a rename).
 *
 * @example
 * await api.createTeam({ name: 'Servers team' });
 */
export const TeamNameRequest = z.object({ name: TeamName });
export type TeamNameRequest = z.input<typeof TeamNameRequest>;

/** Who a grant is for. */
export const GrantSubjectKind = z.enum(['team', 'user']);
export type GrantSubjectKind = z.infer<typeof GrantSubjectKind>;

/** A device group's name as grants name it, or {@link ALL_GROUPS}. */
export const GrantGroup = z.string().trim().min(1).max(128);

/**
 * Rights of a team or a user on one device group (or on all, `*`).
 *
 * @example
 * { subject: { kind: 'team', id, name: 'Servers team' }, group: 'Servers', rights: ['device.view', 'terminal'] }
 */
export const Grant = z.object({
  subject: z.object({ kind: GrantSubjectKind, id: z.uuid(), name: z.string() }),
  group: z.string(),
  rights: z.array(DeviceRight),
});
export type Grant = z.infer<typeof Grant>;

/** `GET /api/v1/grants` */
export const GrantList = z.object({
  /**
   * False until the first grant is made: until then every user has every right on every group
   * that their role allows (as before teams existed). Once true it stays true.
   */
  enforced: z.boolean(),
  grants: z.array(Grant),
});
export type GrantList = z.infer<typeof GrantList>;

/** Which grants to list: of one group, one team or one user (all when none is given). */
export const GrantQuery = z.object({
  group: GrantGroup.optional(),
  teamId: TeamId.optional(),
  userId: UserId.optional(),
});
export type GrantQuery = z.input<typeof GrantQuery>;

/**
 * `PUT /api/v1/grants`: sets the rights of a team or user on a group, replacing what it had
 * there; an empty list revokes the grant.
 *
 * @example
 * await api.setGrant({ subject: { kind: 'team', id }, group: 'Servers', rights: ['device.view'] });
 */
export const SetGrantRequest = z.object({
  subject: z.object({ kind: GrantSubjectKind, id: z.uuid() }),
  group: GrantGroup,
  rights: z.array(DeviceRight).max(DEVICE_RIGHTS.length),
});
export type SetGrantRequest = z.input<typeof SetGrantRequest>;
