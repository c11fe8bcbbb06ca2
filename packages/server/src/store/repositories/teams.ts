import { AppError, DeviceRight } from '@tether/protocol';
import { z } from 'zod';
import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation } from '../engine.js';
import type { DeviceGroupGrantsTable } from '../migrations/teams.js';
import type { Database } from '../schema.js';
import type {
  GrantRecord,
  GrantRepository,
  TeamMemberRecord,
  TeamRecord,
  TeamRepository,
} from '../team-repository.js';
import { fromMillis, parseJsonColumn, toMillis } from './columns.js';

/** Folded in JS, as usernames are, so both engines agree on what "the same name" is. */
function nameKey(name: string): string {
  return name.toLowerCase();
}

function nameTaken(name: string): AppError {
  return new AppError('CONFLICT', `A team named "${name}" already exists. Choose another name.`);
}

/** Teams and their members on either engine. */
export function createTeamRepository(db: Kysely<Database>): TeamRepository {
  async function membersOf(teamIds: string[]): Promise<Map<string, TeamMemberRecord[]>> {
    const members = new Map<string, TeamMemberRecord[]>(teamIds.map((id) => [id, []]));
    if (teamIds.length === 0) return members;
    const rows = await db
      .selectFrom('team_members')
      .innerJoin('users', 'users.id', 'team_members.user_id')
      .select(['team_members.team_id', 'users.id', 'users.username', 'users.display_name'])
      .where('team_members.team_id', 'in', teamIds)
      .where('users.deleted_at', 'is', null)
      .orderBy('users.username_key')
      .execute();
    for (const row of rows) {
      members.get(row.team_id)?.push({
        id: row.id,
        username: row.username,
        displayName: row.display_name,
      });
    }
    return members;
  }

  async function withMembers(
    rows: { id: string; name: string; created_at: number }[],
  ): Promise<TeamRecord[]> {
    const members = await membersOf(rows.map((row) => row.id));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: fromMillis(row.created_at),
      members: members.get(row.id) ?? [],
    }));
  }

  const repository: TeamRepository = {
    async create(team) {
      try {
        await db
          .insertInto('teams')
          .values({
            id: team.id,
            name: team.name,
            name_key: nameKey(team.name),
            created_at: toMillis(team.createdAt),
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw nameTaken(team.name);
      }
      return { ...team, members: [] };
    },
    async find(id) {
      const row = await db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
      return row && (await withMembers([row]))[0];
    },
    async list() {
      return withMembers(await db.selectFrom('teams').selectAll().orderBy('name_key').execute());
    },
    async rename(id, name) {
      try {
        const result = await db
          .updateTable('teams')
          .set({ name, name_key: nameKey(name) })
          .where('id', '=', id)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return undefined;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw nameTaken(name);
      }
      return repository.find(id);
    },
    delete(id) {
      return db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('device_group_grants')
          .where('subject_kind', '=', 'team')
          .where('subject_id', '=', id)
          .execute();
        await trx.deleteFrom('team_members').where('team_id', '=', id).execute();
        const result = await trx.deleteFrom('teams').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },
    async addMember(teamId, userId) {
      await db
        .insertInto('team_members')
        .values({ team_id: teamId, user_id: userId })
        .onConflict((conflict) => conflict.columns(['team_id', 'user_id']).doNothing())
        .execute();
    },
    async removeMember(teamId, userId) {
      const result = await db
        .deleteFrom('team_members')
        .where('team_id', '=', teamId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    setMemberships(userId, teamIds) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('team_members').where('user_id', '=', userId).execute();
        if (teamIds.length === 0) return;
        await trx
          .insertInto('team_members')
          .values([...new Set(teamIds)].map((teamId) => ({ team_id: teamId, user_id: userId })))
          .execute();
      });
    },
    forgetUser(userId) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('team_members').where('user_id', '=', userId).execute();
        await trx
          .deleteFrom('device_group_grants')
          .where('subject_kind', '=', 'user')
          .where('subject_id', '=', userId)
          .execute();
      });
    },
  };
  return repository;
}

const Rights = z.array(DeviceRight);

function toGrant(row: Selectable<DeviceGroupGrantsTable>): GrantRecord {
  return {
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    group: row.group_name,
    rights: parseJsonColumn(row.rights, Rights, 'grant rights'),
  };
}

/** Grants of rights per device group on either engine. */
export function createGrantRepository(db: Kysely<Database>): GrantRepository {
  return {
    async set(grant, at) {
      const key = { subject_kind: grant.subjectKind, subject_id: grant.subjectId };
      if (grant.rights.length === 0) {
        await db
          .deleteFrom('device_group_grants')
          .where('subject_kind', '=', key.subject_kind)
          .where('subject_id', '=', key.subject_id)
          .where('group_name', '=', grant.group)
          .execute();
        return;
      }
      const rights = JSON.stringify([...new Set(grant.rights)]);
      await db
        .insertInto('device_group_grants')
        .values({ ...key, group_name: grant.group, rights, updated_at: toMillis(at) })
        .onConflict((conflict) =>
          conflict
            .columns(['subject_kind', 'subject_id', 'group_name'])
            .doUpdateSet({ rights, updated_at: toMillis(at) }),
        )
        .execute();
    },
    async list(filter = {}) {
      let query = db.selectFrom('device_group_grants').selectAll();
      if (filter.group !== undefined) query = query.where('group_name', '=', filter.group);
      if (filter.subjectKind) query = query.where('subject_kind', '=', filter.subjectKind);
      if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
      const rows = await query
        .orderBy('group_name')
        .orderBy('subject_kind')
        .orderBy('subject_id')
        .execute();
      return rows.map(toGrant);
    },
    async forUser(userId) {
      const rows = await db
        .selectFrom('device_group_grants')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('subject_kind', '=', 'user'), eb('subject_id', '=', userId)]),
            eb.and([
              eb('subject_kind', '=', 'team'),
              eb(
                'subject_id',
                'in',
                eb.selectFrom('team_members').select('team_id').where('user_id', '=', userId),
              ),
            ]),
          ]),
        )
        .execute();
      return rows.map(toGrant);
    },
    async any() {
      const row = await db
        .selectFrom('device_group_grants')
        .select('group_name')
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
