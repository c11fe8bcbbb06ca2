import { z } from 'zod';
import {
  GrantList,
  GrantQuery,
  SetGrantRequest,
  TeamId,
  TeamList,
  TeamNameRequest,
  TeamResponse,
} from '../api/teams.js';
import { UserId } from '../ids.js';
import { endpoint } from './endpoint.js';

const manage = { kind: 'user', permission: 'users.manage' } as const;
const byId = z.object({ id: TeamId });
const byMember = z.object({ id: TeamId, userId: UserId });
const NAME_TAKEN = 'A name another team has, in any letter case, is `CONFLICT`.';

/** Teams of users, managed by administrators (issue 12). */
export const teamEndpoints = {
  list: endpoint({
    id: 'teams.list',
    method: 'GET',
    path: '/api/v1/teams',
    summary: 'List teams',
    description: 'Every team with its members, by name.',
    access: manage,
    success: { status: 200, body: TeamList },
    errors: [],
  }),
  create: endpoint({
    id: 'teams.create',
    method: 'POST',
    path: '/api/v1/teams',
    summary: 'Create a team',
    description: NAME_TAKEN,
    access: manage,
    subject: 'team',
    body: TeamNameRequest,
    success: { status: 201, body: TeamResponse },
    errors: ['CONFLICT'],
  }),
  rename: endpoint({
    id: 'teams.rename',
    method: 'PATCH',
    path: '/api/v1/teams/:id',
    summary: 'Rename a team',
    description: `Its members and grants stay. ${NAME_TAKEN}`,
    access: manage,
    subject: 'team',
    params: byId,
    body: TeamNameRequest,
    success: { status: 200, body: TeamResponse },
    errors: ['NOT_FOUND', 'CONFLICT'],
  }),
  remove: endpoint({
    id: 'teams.delete',
    method: 'DELETE',
    path: '/api/v1/teams/:id',
    summary: 'Delete a team',
    description:
      'Its grants go with it: its members keep only the rights they have from other teams or their own grants.',
    access: manage,
    params: byId,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
  addMember: endpoint({
    id: 'teams.addMember',
    method: 'PUT',
    path: '/api/v1/teams/:id/members/:userId',
    summary: 'Add a user to a team',
    description: 'Adding a member twice changes nothing.',
    access: manage,
    params: byMember,
    success: { status: 200, body: TeamResponse },
    errors: ['NOT_FOUND'],
  }),
  removeMember: endpoint({
    id: 'teams.removeMember',
    method: 'DELETE',
    path: '/api/v1/teams/:id/members/:userId',
    summary: 'Remove a user from a team',
    access: manage,
    params: byMember,
    success: { status: 200, body: TeamResponse },
    errors: ['NOT_FOUND'],
  }),
};

/** Rights of teams and users per device group (issue 12). */
export const grantEndpoints = {
  list: endpoint({
    id: 'grants.list',
    method: 'GET',
    path: '/api/v1/grants',
    summary: 'List grants of rights on device groups',
    description:
      'Of one device group (`group`; grants on all groups, `*`, are included), one team or one user; every grant when none is given. `enforced` is false until the first grant is made: until then every user has every right on every group that their role allows.',
    access: manage,
    subject: 'grant',
    query: GrantQuery,
    success: { status: 200, body: GrantList },
    errors: [],
  }),
  set: endpoint({
    id: 'grants.set',
    method: 'PUT',
    path: '/api/v1/grants',
    summary: 'Set the rights of a team or user on a device group',
    description:
      'Replaces the rights the team or user had on the group (`*`: all groups); an empty list revokes the grant. Takes effect on their next request. Administrators have every right on every group whatever the grants; every other role is limited by its permissions (an auditor never opens a session).',
    access: manage,
    subject: 'grant',
    body: SetGrantRequest,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
};
