import { randomUUID } from 'node:crypto';
import {
  AppError,
  GrantQuery,
  SetGrantRequest,
  TeamNameRequest,
  parseOrThrow,
  type Grant,
  type GrantList,
  type Team,
} from '@tether/protocol';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { RIGHTS_ENFORCED_KEY } from '../rights/device-rights.js';
import type { Store } from '../store/store.js';
import type { GrantRecord, TeamRecord } from '../store/team-repository.js';

/** Who asks for a change, as the audit log names them. */
export type TeamActor = AdminActor;

export interface TeamService {
  list(): Promise<Team[]>;
  create(request: TeamNameRequest, actor: TeamActor): Promise<Team>;
  rename(id: string, request: TeamNameRequest, actor: TeamActor): Promise<Team>;
  delete(id: string, actor: TeamActor): Promise<void>;
  addMember(id: string, userId: string, actor: TeamActor): Promise<Team>;
  removeMember(id: string, userId: string, actor: TeamActor): Promise<Team>;
  listGrants(query: GrantQuery): Promise<GrantList>;
  /** Sets (or, with no rights, revokes) a grant; the first grant turns enforcement on for good. */
  setGrant(request: SetGrantRequest, actor: TeamActor): Promise<void>;
  /**
   * Makes a user's teams exactly the named ones (case-insensitive) — for directory and SSO
   * sign-in, which map a user's directory groups to team names. Names of no team are ignored and
   * returned, so the caller can log or refuse them. Audited when the teams changed.
   */
  syncTeamsByName(userId: string, names: readonly string[], actor: TeamActor): Promise<string[]>;
}

function toApiTeam(team: TeamRecord): Team {
  return { ...team, createdAt: team.createdAt.toISOString() };
}

/**
 * Teams and grants of rights per device group (issue 12): the one place for their rules, used by
 * the API (and by directory sign-in through `syncTeamsByName`). Every change is audited.
 */
export function createTeamService(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}): TeamService {
  const { store, clock, audit } = deps;

  async function find(id: string): Promise<TeamRecord> {
    const team = await store.teams.find(id);
    if (!team) throw new AppError('NOT_FOUND', 'There is no such team (it may have been deleted).');
    return team;
  }

  async function findUser(userId: string): Promise<{ id: string; username: string }> {
    const user = await store.users.findById(userId);
    if (!user) throw new AppError('NOT_FOUND', 'There is no such user (it may have been deleted).');
    return user;
  }

  /** The subject's name as the API shows it; undefined when it no longer exists. */
  async function namer(): Promise<(grant: GrantRecord) => string | undefined> {
    const [teams, users] = await Promise.all([store.teams.list(), store.users.list()]);
    const names = new Map<string, string>([
      ...teams.map((team) => [`team:${team.id}`, team.name] as const),
      ...users.map((user) => [`user:${user.id}`, user.username] as const),
    ]);
    return (grant) => names.get(`${grant.subjectKind}:${grant.subjectId}`);
  }

  return {
    async list() {
      return (await store.teams.list()).map(toApiTeam);
    },

    async create(request, actor) {
      const { name } = parseOrThrow(TeamNameRequest, request, 'team');
      const team = await store.teams.create({ id: randomUUID(), name, createdAt: clock.now() });
      await recordChange(audit, 'team.created', actor, team.name);
      return toApiTeam(team);
    },

    async rename(id, request, actor) {
      const { name } = parseOrThrow(TeamNameRequest, request, 'team');
      const team = await find(id);
      const renamed = (await store.teams.rename(id, name)) ?? team;
      if (team.name !== name)
        await recordChange(audit, 'team.renamed', actor, name, { from: team.name });
      return toApiTeam(renamed);
    },

    async delete(id, actor) {
      const team = await find(id);
      if (!(await store.teams.delete(id)))
        throw new AppError('NOT_FOUND', 'There is no such team (it may have been deleted).');
      await recordChange(audit, 'team.deleted', actor, team.name, {
        members: team.members.map((member) => member.username),
      });
    },

    async addMember(id, userId, actor) {
      const team = await find(id);
      const user = await findUser(userId);
      await store.teams.addMember(id, userId);
      if (!team.members.some((member) => member.id === userId))
        await recordChange(audit, 'team.member_added', actor, team.name, { user: user.username });
      return toApiTeam(await find(id));
    },

    async removeMember(id, userId, actor) {
      const team = await find(id);
      const user = await findUser(userId);
      if (await store.teams.removeMember(id, userId))
        await recordChange(audit, 'team.member_removed', actor, team.name, { user: user.username });
      return toApiTeam(await find(id));
    },

    async listGrants(query) {
      const filter = parseOrThrow(GrantQuery, query, 'grant query');
      const subject = filter.teamId
        ? { subjectKind: 'team' as const, subjectId: filter.teamId }
        : filter.userId
          ? { subjectKind: 'user' as const, subjectId: filter.userId }
          : {};
      const grants = filter.group
        ? [
            ...(await store.grants.list({ ...subject, group: filter.group })),
            ...(filter.group === '*' ? [] : await store.grants.list({ ...subject, group: '*' })),
          ]
        : await store.grants.list(subject);
      const nameOf = await namer();
      return {
        enforced: (await store.settings.get(RIGHTS_ENFORCED_KEY)) === true,
        grants: grants.flatMap((grant): Grant[] => {
          const name = nameOf(grant);
          if (name === undefined) return [];
          const { subjectKind: kind, subjectId: id, group, rights } = grant;
          return [{ subject: { kind, id, name }, group, rights }];
        }),
      };
    },

    async setGrant(request, actor) {
      const input = parseOrThrow(SetGrantRequest, request, 'grant');
      const { kind, id } = input.subject;
      const name = kind === 'team' ? (await find(id)).name : (await findUser(id)).username;
      await store.grants.set(
        { subjectKind: kind, subjectId: id, group: input.group, rights: input.rights },
        clock.now(),
      );
      // From the first grant on, rights are what the grants say, even once every grant is gone:
      // revoking the last grant must not give everyone everything again.
      if (input.rights.length > 0) await store.settings.set(RIGHTS_ENFORCED_KEY, true);
      await recordChange(audit, 'grant.changed', actor, `${kind}:${name}`, {
        group: input.group,
        rights: input.rights,
      });
    },

    async syncTeamsByName(userId, names, actor) {
      const user = await findUser(userId);
      const teams = await store.teams.list();
      const byKey = new Map(teams.map((team) => [team.name.toLowerCase(), team]));
      const wanted = new Set(names.flatMap((name) => byKey.get(name.toLowerCase())?.id ?? []));
      const unknown = names.filter((name) => !byKey.has(name.toLowerCase()));
      const before = teams.filter((team) => team.members.some((member) => member.id === userId));
      const same = before.length === wanted.size && before.every((team) => wanted.has(team.id));
      if (!same) {
        await store.teams.setMemberships(userId, [...wanted]);
        await recordChange(audit, 'team.member_added', actor, user.username, {
          teams: teams.filter((team) => wanted.has(team.id)).map((team) => team.name),
          synchronised: true,
        });
      }
      return unknown;
    },
  };
}
