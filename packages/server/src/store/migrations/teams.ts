import type { Kysely } from 'kysely';
import type { GrantSubjectKind } from '@tether/protocol';

/** Epoch milliseconds (see schema.ts). */
type Millis = number;

/** Teams of users (issue 12). */
export interface TeamsTable {
  id: string;
  name: string;
  /** `name` folded to lower case; unique, so team names are unique case-insensitively. */
  name_key: string;
  created_at: Millis;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
}

/**
 * Rights of a team or a user on one device group. `group_name` is the group's name as devices
 * carry it in `devices.group_name` (or `*`, all groups): renaming a group must rename it here too.
 */
export interface DeviceGroupGrantsTable {
  subject_kind: GrantSubjectKind;
  /** A team's or a user's ID (no foreign key: either table). */
  subject_id: string;
  group_name: string;
  /** JSON array of rights; never empty (an empty grant is deleted). */
  rights: string;
  updated_at: Millis;
}

declare module '../schema.js' {
  interface Database {
    teams: TeamsTable;
    team_members: TeamMembersTable;
    device_group_grants: DeviceGroupGrantsTable;
  }
}

/** Teams, their members, and grants of rights per device group (runs on both engines). */
export async function createTeamSchema(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('name_key', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'text', (col) => col.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id'))
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('team_members_user').on('team_members').column('user_id').execute();
  await db.schema
    .createTable('device_group_grants')
    .addColumn('subject_kind', 'text', (col) => col.notNull())
    .addColumn('subject_id', 'text', (col) => col.notNull())
    .addColumn('group_name', 'text', (col) => col.notNull())
    .addColumn('rights', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('device_group_grants_pk', ['subject_kind', 'subject_id', 'group_name'])
    .execute();
  await db.schema
    .createIndex('device_group_grants_group')
    .on('device_group_grants')
    .column('group_name')
    .execute();
}
