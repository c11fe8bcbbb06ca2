import {
  grantEndpoints,
  teamEndpoints,
  type GrantList,
  type GrantQuery,
  type SetGrantRequest,
  type Team,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** Teams and grants of rights per device group (issue 12). Managing them needs an administrator. */
export interface TeamClient {
  listTeams(): Promise<Team[]>;
  /** Rejects with `CONFLICT` when another team has the name (in any letter case). */
  createTeam(name: string): Promise<Team>;
  renameTeam(teamId: string, name: string): Promise<Team>;
  /** Its grants go with it. */
  deleteTeam(teamId: string): Promise<void>;
  addTeamMember(teamId: string, userId: string): Promise<Team>;
  removeTeamMember(teamId: string, userId: string): Promise<Team>;
  /** Of a group (with the all-groups grants), a team or a user; every grant without a filter. */
  listGrants(query?: GrantQuery): Promise<GrantList>;
  /** Replaces the subject's rights on the group; an empty list revokes them. */
  setGrant(request: SetGrantRequest): Promise<void>;
}

/**
 * The team calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const team = await api.createTeam('Servers team');
 * await api.addTeamMember(team.id, jo.id);
 * await api.setGrant({ subject: { kind: 'team', id: team.id }, group: 'Servers', rights: ['device.view', 'terminal'] });
 */
export function createTeamClient(transport: HttpTransport): TeamClient {
  const member = (teamId: string, userId: string) => ({ params: { id: teamId, userId } });
  return {
    listTeams: async () => (await callEndpoint(transport, teamEndpoints.list, {})).teams,
    createTeam: async (name) =>
      (await callEndpoint(transport, teamEndpoints.create, { body: { name } })).team,
    renameTeam: async (teamId, name) =>
      (
        await callEndpoint(transport, teamEndpoints.rename, {
          params: { id: teamId },
          body: { name },
        })
      ).team,
    deleteTeam: (teamId) =>
      callEndpoint(transport, teamEndpoints.remove, { params: { id: teamId } }),
    addTeamMember: async (teamId, userId) =>
      (await callEndpoint(transport, teamEndpoints.addMember, member(teamId, userId))).team,
    removeTeamMember: async (teamId, userId) =>
      (await callEndpoint(transport, teamEndpoints.removeMember, member(teamId, userId))).team,
    listGrants: (query = {}) => callEndpoint(transport, grantEndpoints.list, { query }),
    setGrant: (request) => callEndpoint(transport, grantEndpoints.set, { body: request }),
  };
}
