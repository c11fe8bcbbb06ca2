import {
  AppError,
  ImportUsersRequest,
  ImportedUser,
  describeIssues,
  parseOrThrow,
  BUILT_IN_ROLES,
  type ImportOutcome,
  type ImportRowResult,
  type ImportUsersResponse,
  type ImportedChange,
  type UpdateUserRequest,
} from '@tether/protocol';
import { z } from 'zod';
import { HASH_GATE_LIMITS } from '../auth/hash-gate.js';
import { generatePassword, hashGeneratedPassword, hashPassword } from '../auth/password-hash.js';
import { usernameKey } from '../store/repositories/users.js';
import type { Store, UserRecord } from '../store/store.js';
import { findRoleId } from '../roles/role-permissions.js';
import { readImportFile, type RawImportRow } from './import-file.js';
import type { UserActor, UserService } from './user-service.js';

/** How far an import that applies has come: rows written of those to write. */
export type ImportProgress = (progress: { done: number; total: number }) => void;

/** Bulk import of users (S-10). */
export interface UserImporter {
  import(
    request: ImportUsersRequest,
    actor: UserActor,
    onProgress?: ImportProgress,
  ): Promise<ImportUsersResponse>;
}

interface Create {
  kind: 'create';
  result: ImportRowResult;
  user: ImportedUser & { role: NonNullable<ImportedUser['role']> };
}

interface Update {
  kind: 'update';
  result: ImportRowResult;
  existing: UserRecord;
  changes: UpdateUserRequest;
}

/** A row's plan: nothing to do (unchanged or refused), a user to create, or changes to apply. */
type Plan = { kind: 'none'; result: ImportRowResult } | Create | Update;

/**
 * Full-cost hashes (passwords given in the file) run at most as many at once as the sign-in
 * gate lets run: an import leaves the other cores to sign-ins and sessions.
 */
const HASHES_AT_ONCE = HASH_GATE_LIMITS.concurrency;
/** Generated passwords hash in a few milliseconds: as many at once as libuv has threads. */
const CHEAP_HASHES_AT_ONCE = 4;

/**
 * The problems of a row as sentences naming the fields; a pattern's own wording (what a username
 * may contain) rather than "not in the expected format".
 */
function reasonOf(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.code === 'invalid_format' && issue.format === 'regex'
        ? `${String(issue.path[0])} ${issue.message}`
        : describeIssues(new z.ZodError([issue]), 'the row').join(''),
    )
    .join('; ');
}

/** A refused row; `reason` is a whole sentence that names the field. */
function refused(row: RawImportRow, username: string, field: string | undefined, reason: string) {
  return {
    kind: 'none' as const,
    result: { row: row.row, username, outcome: 'refused' as const, field, reason },
  };
}

/** The row's username as given, for the result (never another field: it could be a password). */
function usernameOf(row: RawImportRow): string {
  const { username } = row.fields;
  return typeof username === 'string' ? username.slice(0, 64) : '';
}

/** What an existing user would change into; the fields equal to the file's are left out. */
function changesOf(existing: UserRecord, user: ImportedUser): UpdateUserRequest {
  const changes: UpdateUserRequest = {};
  if (user.displayName !== undefined && user.displayName !== existing.displayName)
    changes.displayName = user.displayName;
  if (user.role !== undefined && user.role !== existing.role) changes.role = user.role;
  if (user.disabled !== undefined && user.disabled !== (existing.disabledAt !== null))
    changes.disabled = user.disabled;
  return changes;
}

/** Checks each row and decides what it does, against the users as they are now. */
/**
 * The role ID a file names: a built-in role's ID, or a custom role's ID or name (what
 * `tether roles list` shows); undefined when there is no such role.
 */
async function roleResolver(
  store: Store,
): Promise<{ resolve: (role: string) => string | undefined; names: string }> {
  const custom = await store.roles.list();
  return {
    resolve: (role) => findRoleId(custom, role),
    names: [...BUILT_IN_ROLES, ...custom.map((known) => known.name)].join(', '),
  };
}

function planRows(
  rows: RawImportRow[],
  users: UserRecord[],
  roles: Awaited<ReturnType<typeof roleResolver>>,
): Plan[] {
  const existingByKey = new Map(users.map((user) => [usernameKey(user.username), user]));
  const firstRowOf = new Map<string, number>();
  return rows.map((row): Plan => {
    const username = usernameOf(row);
    if (row.problem) return refused(row, username, row.problem.field, row.problem.reason);
    const parsed = ImportedUser.safeParse(row.fields);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      const field =
        issue?.code === 'unrecognized_keys' ? issue.keys[0] : issue?.path[0]?.toString();
      return refused(row, username, field, reasonOf(parsed.error));
    }
    const user = parsed.data;
    if (user.role !== undefined) {
      const role = roles.resolve(user.role);
      if (role === undefined)
        return refused(
          row,
          username,
          'role',
          `there is no role "${user.role}": use ${roles.names}`,
        );
      user.role = role;
    }
    const key = usernameKey(user.username);
    const first = firstRowOf.get(key);
    if (first !== undefined)
      return refused(row, username, 'username', `username is already on row ${first} of this file`);
    firstRowOf.set(key, row.row);
    const existing = existingByKey.get(key);
    const result: ImportRowResult = { row: row.row, username, outcome: 'unchanged' };
    if (!existing) {
      const { role } = user;
      if (role === undefined)
        return refused(row, username, 'role', 'role is required for a new user');
      const initialPassword = user.password === undefined ? 'generated' : 'given';
      return {
        kind: 'create',
        result: { ...result, outcome: 'created', initialPassword },
        user: { ...user, role },
      };
    }
    if (user.password !== undefined)
      result.notes = [
        'The password was not changed: an import sets the initial password of new users only (use "reset password").',
      ];
    const changes = changesOf(existing, user);
    const changed = Object.keys(changes) as ImportedChange[];
    if (changed.length === 0) return { kind: 'none', result };
    return {
      kind: 'update',
      result: { ...result, outcome: 'updated', changes: changed },
      existing,
      changes,
    };
  });
}

const isEnabledAdministrator = (role: string, disabled: boolean) =>
  role === 'administrator' && !disabled;

/**
 * Refuses the rows that demote or disable an administrator when, after the whole import, no
 * enabled administrator would be left (nobody could manage users); the user service holds the
 * same rule for each change as it applies.
 */
function keepAnAdministrator(plans: Plan[], users: UserRecord[]): Plan[] {
  const updates = new Map(
    plans.flatMap((plan) => (plan.kind === 'update' ? [[plan.existing.id, plan] as const] : [])),
  );
  const leftAfter = users.filter((user) => {
    const changes: UpdateUserRequest = updates.get(user.id)?.changes ?? {};
    return isEnabledAdministrator(
      changes.role ?? user.role,
      changes.disabled ?? user.disabledAt !== null,
    );
  }).length;
  const created = plans.filter(
    (plan) =>
      plan.kind === 'create' && isEnabledAdministrator(plan.user.role, plan.user.disabled ?? false),
  ).length;
  if (leftAfter + created > 0) return plans;
  return plans.map((plan) => {
    if (plan.kind !== 'update') return plan;
    const { existing, changes } = plan;
    if (!isEnabledAdministrator(existing.role, existing.disabledAt !== null)) return plan;
    const field = changes.role !== undefined ? 'role' : 'disabled';
    return {
      kind: 'none',
      result: {
        row: plan.result.row,
        username: plan.result.username,
        outcome: 'refused',
        field,
        reason: `${field} would leave no enabled administrator ("${existing.username}" is the last one). Make another user an administrator first.`,
      },
    };
  });
}

function countsOf(rows: ImportRowResult[]): Record<ImportOutcome, number> {
  const counts = { created: 0, updated: 0, unchanged: 0, refused: 0 };
  for (const row of rows) counts[row.outcome] += 1;
  return counts;
}

/** Runs `work` on every item, `atOnce` at a time. */
async function inPool<T>(items: T[], atOnce: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, worker));
}

/** A row refused while applying (the name taken meanwhile, the last administrator): its reason. */
function refuseAtApply(plan: Create | Update, error: unknown): void {
  if (!(error instanceof AppError) || !['CONFLICT', 'NOT_FOUND'].includes(error.code)) throw error;
  const { row, username } = plan.result;
  plan.result = { row, username, outcome: 'refused', reason: error.message };
}

/**
 * Bulk import of users from a CSV or JSON file (S-10): checks every row, then (unless a dry run,
 * or all-or-nothing with refusals) creates and updates through the user service, which holds
 * the rules and audits each change. Creations come first, so that a file that makes a new
 * administrator and demotes the old one applies in the order the check assumed.
 */
export function createUserImporter(deps: { store: Store; users: UserService }): UserImporter {
  const { store, users } = deps;

  async function create(plan: Create, actor: UserActor): Promise<void> {
    const { user } = plan;
    const generated = user.password === undefined ? generatePassword() : undefined;
    const passwordHash =
      generated === undefined
        ? await hashPassword(user.password ?? '')
        : await hashGeneratedPassword(generated);
    try {
      await users.createHashed(
        {
          username: user.username,
          displayName: user.displayName ?? '',
          role: user.role,
          passwordHash,
          mustChangePassword: true,
          disabled: user.disabled ?? false,
        },
        actor,
      );
      if (generated !== undefined) plan.result.generatedPassword = generated;
    } catch (error) {
      refuseAtApply(plan, error);
    }
  }

  async function apply(plans: Plan[], actor: UserActor, onProgress?: ImportProgress) {
    const creates = plans.filter((plan): plan is Create => plan.kind === 'create');
    const updates = plans.filter((plan): plan is Update => plan.kind === 'update');
    const total = creates.length + updates.length;
    let done = 0;
    const step = () => onProgress?.({ done: (done += 1), total });
    const createAll = (list: Create[], atOnce: number) =>
      inPool(list, atOnce, async (plan) => {
        await create(plan, actor);
        step();
      });
    await createAll(
      creates.filter((plan) => plan.user.password === undefined),
      CHEAP_HASHES_AT_ONCE,
    );
    await createAll(
      creates.filter((plan) => plan.user.password !== undefined),
      HASHES_AT_ONCE,
    );
    for (const plan of updates) {
      try {
        await users.update(plan.existing.id, plan.changes, actor);
      } catch (error) {
        refuseAtApply(plan, error);
      }
      step();
    }
  }

  return {
    async import(request, actor, onProgress) {
      const { format, content, dryRun, allOrNothing } = parseOrThrow(
        ImportUsersRequest,
        request,
        'user import',
      );
      const rows = await readImportFile(format, content);
      const existing = await store.users.list();
      const plans = keepAnAdministrator(
        planRows(rows, existing, await roleResolver(store)),
        existing,
      );
      const hasRefusals = plans.some((plan) => plan.result.outcome === 'refused');
      const applied = !dryRun && !(allOrNothing && hasRefusals);
      if (applied) await apply(plans, actor, onProgress);
      const results = plans.map((plan) => plan.result);
      return { dryRun, applied, counts: countsOf(results), rows: results };
    },
  };
}
