import { ImportUsersRequest, ImportUsersResponse } from '../api/user-import.js';
import { endpoint } from './endpoint.js';

/** Bulk import of users from a CSV or JSON file (S-10, issue 12). */
export const userImportEndpoints = {
  import: endpoint({
    id: 'users.import',
    method: 'POST',
    path: '/api/v1/users/import',
    summary: 'Import users from a CSV or JSON file',
    description: [
      'Creates and updates users from a file; never deletes one. `content` is the whole file.',
      'CSV: a header row naming the columns (`username`, `displayName`, `role`, `password`, `disabled`; letter case, spaces, `_` and `-` in the names do not matter; only `username` is required), then one user a row; comma or semicolon separated, cells trimmed. `disabled` is true/false, yes/no or 1/0.',
      'JSON: an array of objects with the same fields (or `{ "users": [...] }`), `disabled` a boolean.',
      'An empty cell or a field left out keeps the existing value (new users: no display name, enabled). A new user needs a `role`. `password` is an initial password for a new user only (at least 12 characters; an existing user keeps theirs, with a note); without one the server generates one and returns it once in `generatedPassword`. Created users must change their password at their first sign-in.',
      'Each row gets a result: `created`, `updated` (with the fields that change), `unchanged`, or `refused` with the field and the reason (invalid value, a username twice in the file, a change that would leave no enabled administrator). The other rows still apply unless `allOrNothing`. Importing the same file again changes nothing: every row is `unchanged`.',
      'With `dryRun` nothing changes and the results say what would happen. A malformed file (unreadable CSV or JSON, unknown column, more than 10,000 users) is `INVALID_INPUT` and changes nothing. Passwords given in the file never appear in the answer or in logs.',
    ].join('\n\n'),
    access: { kind: 'user', permission: 'users.manage' },
    subject: 'user import',
    body: ImportUsersRequest,
    success: { status: 200, body: ImportUsersResponse, noStore: true },
    errors: [],
  }),
};
