import { z } from 'zod';
import { Role } from './auth.js';
import { DisplayName, NewPassword, Username } from './users.js';

/**
 * The columns of a CSV import file (its header row) and the fields of a JSON one.
 *
 * @example
 * const header = USER_IMPORT_FIELDS.join(','); // 'username,displayName,role,password,disabled'
 */
export const USER_IMPORT_FIELDS = [
  'username',
  'displayName',
  'role',
  'password',
  'disabled',
] as const;

/** The most users one import may hold (an import file of 10,000 users is about 1 MiB). */
export const MAX_IMPORTED_USERS = 10_000;

/** How an import file is written. */
export const UserImportFormat = z.enum(['csv', 'json']);
export type UserImportFormat = z.infer<typeof UserImportFormat>;

/**
 * One user of an import file. Only `username` is required; a field left out (or a CSV cell left
 * empty) keeps an existing user's value, and takes the default for a new user (no display name,
 * enabled). A new user needs a `role`. `password` is an initial password, used only when the
 * user is created: without one the server generates it and shows it once in the result. Either
 * way a created user must choose a new password at their first sign-in.
 *
 * @example
 * ImportedUser.parse({ username: 'jo', displayName: 'Jo Martin', role: 'technician' });
 */
export const ImportedUser = z.strictObject({
  username: Username,
  displayName: DisplayName.optional(),
  role: Role.optional(),
  password: NewPassword.optional(),
  disabled: z.boolean({ error: 'must be true or false' }).optional(),
});
export type ImportedUser = z.infer<typeof ImportedUser>;

/**
 * `POST /api/v1/users/import`: the file's text and how it is written.
 *
 * @example
 * await api.importUsers({ format: 'csv', content: 'username,role\njo,technician\n', dryRun: true });
 */
export const ImportUsersRequest = z.object({
  format: UserImportFormat,
  /** The whole file: CSV with a header row, or JSON (an array of users, or `{ "users": [...] }`). */
  content: z.string().min(1, 'the file is empty').max(1_000_000),
  /** Check every row and say what would happen, changing nothing. */
  dryRun: z.boolean().default(false),
  /** Change nothing at all when any row is refused (by default the other rows still apply). */
  allOrNothing: z.boolean().default(false),
});
export type ImportUsersRequest = z.input<typeof ImportUsersRequest>;

/** What became of one row: the user was created, changed, already as the file says, or refused. */
export const ImportOutcome = z.enum(['created', 'updated', 'unchanged', 'refused']);
export type ImportOutcome = z.infer<typeof ImportOutcome>;

/** The fields an import changes on an existing user. */
export const ImportedChange = z.enum(['displayName', 'role', 'disabled']);
export type ImportedChange = z.infer<typeof ImportedChange>;

/**
 * The result of one row. A password given in the file never appears here.
 *
 * @example
 * const refused = result.rows.filter((row) => row.outcome === 'refused');
 * for (const row of refused) console.log(`row ${row.row}: ${row.reason}`);
 */
export const ImportRowResult = z.object({
  /** CSV: the line of the file where the row starts (the header is line 1). JSON: 1 for the first user. */
  row: z.number().int().positive(),
  /** As the row gives it; empty when it gives none. */
  username: z.string(),
  outcome: ImportOutcome,
  /** `updated`: the fields that change. */
  changes: z.array(ImportedChange).optional(),
  /** `refused`: the field at fault, when one is. */
  field: z.string().optional(),
  /** `refused`: why, and what to fix, as a sentence that names the field. */
  reason: z.string().optional(),
  /** `created`: whether the file gave the initial password or the server generates one. */
  initialPassword: z.enum(['given', 'generated']).optional(),
  /**
   * `created` by an import that applied (never in a dry run): the generated initial password,
   * shown this once. The user must change it at their first sign-in.
   */
  generatedPassword: z.string().optional(),
  /** Remarks that do not refuse the row (a password ignored because the user exists). */
  notes: z.array(z.string()).optional(),
});
export type ImportRowResult = z.infer<typeof ImportRowResult>;

/**
 * The answer of an import: one result per row, in file order, and the totals.
 *
 * @example
 * const { counts } = await api.importUsers({ format: 'json', content, dryRun: true });
 * if (counts.refused === 0) await api.importUsers({ format: 'json', content });
 */
export const ImportUsersResponse = z.object({
  dryRun: z.boolean(),
  /** Whether the rows not refused were applied: false in a dry run, and for all-or-nothing with refusals. */
  applied: z.boolean(),
  counts: z.record(ImportOutcome, z.number().int().nonnegative()),
  rows: z.array(ImportRowResult),
});
export type ImportUsersResponse = z.infer<typeof ImportUsersResponse>;
