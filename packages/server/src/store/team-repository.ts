import type { DeviceRight, GrantSubjectKind } from '@tether/protocol';

/** A member as a team lists them (deleted users are never members). */
export interface TeamMemberRecord {
  id: string;
  username: string;
  displayName: string;
}

/** A team of users (issue 12). Tables: `store/migrations/teams.ts`. */
export interface TeamRecord {
  id: string;
  name: string;
  createdAt: Date;
  /** By username. */
  members: TeamMemberRecord[];
}

/** Teams and their members. */
export interface TeamRepository {
  /** Fails with `AppError('CONFLICT')` when the name is taken (case-insensitive). */
  create(team: { id: string; name: string; createdAt: Date }): Promise<TeamRecord>;
  find(id: string): Promise<TeamRecord | undefined>;
  /** By name, case-insensitively. */
  list(): Promise<TeamRecord[]>;
  /** Fails with `AppError('CONFLICT')` when the name is taken; undefined when no such team. */
  rename(id: string, name: string): Promise<TeamRecord | undefined>;
  /** Deletes the team, its memberships and its grants; false when there is none. */
  delete(id: string): Promise<boolean>;
  /** Idempotent. */
  addMember(teamId: string, userId: string): Promise<void>;
  /** False when the user was not a member. */
  removeMember(teamId: string, userId: string): Promise<boolean>;
  /** The user's teams become exactly these (one transaction). */
  setMemberships(userId: string, teamIds: readonly string[]): Promise<void>;
  /** A deleted user: their memberships and their own grants go. */
  forgetUser(userId: string): Promise<void>;
}

/** Rights of a team or a user on a device group (`*`: every group). */
export interface GrantRecord {
  subjectKind: GrantSubjectKind;
  subjectId: string;
  group: string;
  rights: DeviceRight[];
}

export interface GrantRepository {
  /** Replaces the subject's rights on the group; an empty list deletes the grant. */
  set(grant: GrantRecord, at: Date): Promise<void>;
  /** Filtered by any of group (exactly), subject; ordered by group, then subject. */
  list(filter?: {
    group?: string;
    subjectKind?: GrantSubjectKind;
    subjectId?: string;
  }): Promise<GrantRecord[]>;
  /** The grants that apply to a user: their own and their teams'. One query. */
  forUser(userId: string): Promise<GrantRecord[]>;
  /** Whether any grant exists at all. */
  any(): Promise<boolean>;
}
