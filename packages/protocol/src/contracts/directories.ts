import { z } from 'zod';
import {
  DirectoriesRequest,
  DirectoriesResponse,
  DirectoryId,
  DirectoryTestRequest,
  DirectoryTestResult,
} from '../api/directories.js';
import { endpoint } from './endpoint.js';

const manage = { kind: 'user', permission: 'settings.manage' } as const;

/**
 * Password directories (LDAP / Active Directory, RADIUS), set by administrators (issue 12) in the
 * admin interface: served on the admin listener only.
 */
export const directoryEndpoints = {
  list: endpoint({
    id: 'directories.list',
    method: 'GET',
    listener: 'admin',
    path: '/conf/api/directories',
    summary: 'List the password directories',
    description:
      'The LDAP and RADIUS directories asked, in this order, for the password of a user who is not local. Secrets are never returned: `bindPasswordSet` / `secretSet` say whether one is set.',
    access: manage,
    success: { status: 200, body: DirectoriesResponse },
    errors: [],
  }),
  replace: endpoint({
    id: 'directories.replace',
    method: 'PUT',
    listener: 'admin',
    path: '/conf/api/directories',
    summary: 'Set the password directories',
    description:
      'Replaces the ordered list; it applies to the next sign-in. A secret left out keeps the one stored for the directory of the same `id`. `CONFLICT` when the directories are set in the config file.',
    access: manage,
    subject: 'directories',
    body: DirectoriesRequest,
    success: { status: 200, body: DirectoriesResponse },
    errors: ['INVALID_INPUT', 'CONFLICT'],
  }),
  test: endpoint({
    id: 'directories.test',
    method: 'POST',
    listener: 'admin',
    path: '/conf/api/directories/:id/test',
    summary: 'Test a directory with a username and password',
    description:
      'Tries the sign-in against this directory only, signs nobody in and creates no user, and reports each stage as the server saw it (LDAP: connect, TLS, service bind, search with the entry and its attributes, user bind, groups; RADIUS: which server answered, the reply and its attributes) and the role and teams the mapping gives. Never echoes a password or secret.',
    access: manage,
    subject: 'directory test',
    params: z.object({ id: DirectoryId }),
    body: DirectoryTestRequest,
    success: { status: 200, body: DirectoryTestResult, noStore: true },
    errors: ['NOT_FOUND'],
  }),
};
