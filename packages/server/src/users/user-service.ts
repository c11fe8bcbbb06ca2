import { randomUUID } from 'node:crypto';
import {
  AppError,
  ChangePasswordRequest,
  CreateUserRequest,
  ResetUserPasswordRequest,
  UpdateAccountRequest,
  UpdateUserRequest,
  parseOrThrow,
  isBuiltInRole,
  type User,
} from '@tether/protocol';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuthService, Principal } from '../auth/auth-service.js';
import { toApiUser } from '../auth/auth-service.js';
import { hashPassword } from '../auth/password-hash.js';
import type { Clock } from '../clock.js';
import type { Store, UserChanges, UserRecord } from '../store/store.js';

/** Who asks for a change, as the audit log names them. */
export type UserActor = AdminActor;

/** A new user with the hash of their initial password, as `createHashed` takes it. */
export interface HashedNewUser {
  username: string;
  displayName: string;
  role: User['role'];
  passwordHash: string;
  mustChangePassword: boolean;
  /** Created disabled (an import may say so). */
  disabled?: boolean;
}

/** What the service needs of sign-ins: ending a user's logins and checking a password. */
export type LoginControl = Pick<AuthService, 'endLoginsOf' | 'checkPassword'>;

export interface UserService {
  list(): Promise<User[]>;
  /** The user of this ID; `NOT_FOUND` when there is none (or it was deleted). */
  get(id: string): Promise<User>;
  /** The user of this username; `NOT_FOUND` when there is none (the CLI names users so). */
  findByUsername(username: string): Promise<User>;
  create(request: CreateUserRequest, actor: UserActor): Promise<User>;
  /**
   * Creates a user whose password is already hashed (the import hashes ahead, in parallel);
   * the username must be valid (checked by the caller). `CONFLICT` when it is taken.
   */
  createHashed(user: HashedNewUser, actor: UserActor): Promise<User>;
  update(id: string, request: UpdateUserRequest, actor: UserActor): Promise<User>;
  delete(id: string, actor: UserActor): Promise<void>;
  resetPassword(id: string, request: ResetUserPasswordRequest, actor: UserActor): Promise<void>;
  /** The signed-in user's own new password; their other logins end. */
  changeOwnPassword(
    principal: Principal,
    request: ChangePasswordRequest,
    sourceAddress: string,
  ): Promise<User>;
  updateOwnAccount(principal: Principal, request: UpdateAccountRequest): Promise<User>;
}

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'There is no such user (it may have been deleted).');
}

const isEnabledAdministrator = (user: UserRecord): boolean =>
  user.role === 'administrator' && user.disabledAt === null;

/**
 * Users and their accounts (issue 12): the one place for the rules — usernames unique, passwords
 * long enough, at least one enabled administrator, logins ended when a user is disabled, deleted
 * or given a new password — used by the API and the headless CLI alike. Every change is audited,
 * never with a password.
 */
export function createUserService(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  logins: LoginControl;
}): UserService {
  const { store, clock, audit, logins } = deps;

  /** A user gets only a role that exists (a custom role may have been deleted meanwhile). */
  async function checkRole(role: string): Promise<void> {
    if (isBuiltInRole(role) || (await store.roles.find(role))) return;
    throw new AppError(
      'INVALID_INPUT',
      `There is no role "${role}": give a built-in role (administrator, privileged, technician, auditor) or the ID of a custom role.`,
    );
  }

  async function find(id: string): Promise<UserRecord> {
    const user = await store.users.findById(id);
    if (!user) throw notFound();
    return user;
  }

  /**
   * Refuses a change that would leave no enabled administrator (nobody could manage users), with
   * the user's name; the store's guard holds the rule against concurrent changes too.
   */
  async function keepAnAdministrator(user: UserRecord, removing: string): Promise<void> {
    if (!isEnabledAdministrator(user)) return;
    const others = (await store.users.list()).filter(
      (other) => other.id !== user.id && isEnabledAdministrator(other),
    );
    if (others.length > 0) return;
    throw new AppError(
      'CONFLICT',
      `"${user.username}" is the last enabled administrator and cannot be ${removing}. Make another user an administrator first.`,
    );
  }

  async function createHashed(user: HashedNewUser, actor: UserActor): Promise<User> {
    const { disabled = false, ...fields } = user;
    await checkRole(fields.role);
    const now = clock.now();
    let created = await store.users.create({ ...fields, id: randomUUID(), createdAt: now });
    if (disabled) created = (await store.users.update(created.id, { disabledAt: now })) ?? created;
    await recordChange(audit, 'user.created', actor, created.username, {
      role: created.role,
      displayName: created.displayName,
      mustChangePassword: created.mustChangePassword,
      ...(disabled ? { disabled } : {}),
    });
    return toApiUser(created);
  }

  return {
    async list() {
      return (await store.users.list()).map(toApiUser);
    },

    get: async (id) => toApiUser(await find(id)),

    async findByUsername(username) {
      const user = await store.users.findByUsername(username);
      if (!user) throw new AppError('NOT_FOUND', `There is no user "${username}".`);
      return toApiUser(user);
    },

    async create(request, actor) {
      const { password, ...input } = parseOrThrow(CreateUserRequest, request, 'user');
      return createHashed({ ...input, passwordHash: await hashPassword(password) }, actor);
    },

    createHashed,

    async update(id, request, actor) {
      const input = parseOrThrow(UpdateUserRequest, request, 'user change');
      const user = await find(id);
      if (input.role !== undefined && input.role !== user.role) await checkRole(input.role);
      if (input.role !== undefined && input.role !== 'administrator')
        await keepAnAdministrator(user, 'demoted');
      if (input.disabled === true) await keepAnAdministrator(user, 'disabled');
      const changes: UserChanges = {};
      if (input.displayName !== undefined && input.displayName !== user.displayName)
        changes.displayName = input.displayName;
      if (input.role !== undefined && input.role !== user.role) changes.role = input.role;
      const isDisabled = user.disabledAt !== null;
      if (input.disabled !== undefined && input.disabled !== isDisabled)
        changes.disabledAt = input.disabled ? clock.now() : null;
      if (
        input.mustChangePassword !== undefined &&
        input.mustChangePassword !== user.mustChangePassword
      )
        changes.mustChangePassword = input.mustChangePassword;
      const changed =
        (await store.users.keepingAnAdministrator((users) => users.update(id, changes))) ?? user;
      if (changes.disabledAt) await logins.endLoginsOf(id);
      const { displayName, role, mustChangePassword } = changes;
      if (displayName !== undefined || role !== undefined || mustChangePassword !== undefined)
        await recordChange(audit, 'user.updated', actor, user.username, {
          displayName,
          role,
          mustChangePassword,
        });
      if (changes.disabledAt !== undefined)
        await recordChange(
          audit,
          changes.disabledAt ? 'user.disabled' : 'user.enabled',
          actor,
          user.username,
        );
      return toApiUser(changed);
    },

    async delete(id, actor) {
      const user = await find(id);
      await keepAnAdministrator(user, 'deleted');
      const deleted = await store.users.keepingAnAdministrator((users) =>
        users.delete(id, clock.now()),
      );
      if (!deleted) throw notFound();
      // Their rights go with them: a later user of the same name starts with none.
      await store.teams.forgetUser(id);
      await logins.endLoginsOf(id);
      await recordChange(audit, 'user.deleted', actor, user.username, { role: user.role });
    },

    async resetPassword(id, request, actor) {
      const input = parseOrThrow(ResetUserPasswordRequest, request, 'password reset');
      const user = await find(id);
      await store.users.setPasswordHash(id, await hashPassword(input.password), clock.now());
      if (input.mustChangePassword) await store.users.update(id, { mustChangePassword: true });
      await logins.endLoginsOf(id);
      await recordChange(audit, 'user.password_reset', actor, user.username, {
        mustChangePassword: input.mustChangePassword,
      });
    },

    async changeOwnPassword(principal, request, sourceAddress) {
      const input = parseOrThrow(ChangePasswordRequest, request, 'password change');
      const { user } = principal;
      const password = input.currentPassword;
      if (!(await logins.checkPassword({ user, password, sourceAddress }))) {
        // A guess at the password like a failed sign-in, and audited as one.
        await audit.record({
          action: 'auth.login_failed',
          actor: user.username,
          sourceAddress,
          details: { reason: 'wrong current password' },
        });
        throw new AppError('INVALID_INPUT', 'The current password is wrong.');
      }
      if (input.newPassword === input.currentPassword)
        throw new AppError('INVALID_INPUT', 'Choose a new password, not the current one.');
      await store.users.setPasswordHash(
        user.id,
        await hashPassword(input.newPassword),
        clock.now(),
      );
      // Whoever may know the old password is signed out; this browser stays signed in.
      await logins.endLoginsOf(user.id, principal.tokenHash);
      await recordChange(
        audit,
        'user.password_changed',
        { username: user.username, sourceAddress },
        user.username,
        {
          forced: user.mustChangePassword,
        },
      );
      return toApiUser(await find(user.id));
    },

    async updateOwnAccount(principal, request) {
      const input = parseOrThrow(UpdateAccountRequest, request, 'account change');
      const { user } = principal;
      const changed =
        (await store.users.update(user.id, { displayName: input.displayName })) ?? user;
      if (changed.displayName !== user.displayName) {
        await recordChange(audit, 'user.updated', { username: user.username }, user.username, {
          displayName: changed.displayName,
        });
      }
      return toApiUser(changed);
    },
  };
}
