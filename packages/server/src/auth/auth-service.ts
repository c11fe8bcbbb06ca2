import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError, type Role, type User } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { LoginRecord, Store, UserRecord } from '../store/store.js';
import type { Logger } from '../logging.js';
import { HashGate } from './hash-gate.js';
import { LiveLogins } from './live-logins.js';
import { decoyHash, hashPassword, verifyPassword } from './password-hash.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { sourceKeyOf } from './source-key.js';
import { watchUnlockRequests } from './unlock-requests.js';

/** How long a console login lasts without activity. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

/** The signed-in user of a request. */
export interface Principal {
  user: UserRecord;
  tokenHash: string;
}

function tokenHashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The API view of a user record: no hash ever leaves the server. */
export function toApiUser(user: UserRecord): User {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    disabled: user.disabledAt !== null,
    mustChangePassword: user.mustChangePassword,
  };
}

export interface AuthService {
  /**
   * Checks credentials within the sign-in throttle (per account and source, per source, per
   * account) and the hashing gate; returns a cookie token.
   */
  login(input: {
    username: string;
    password: string;
    sourceAddress: string;
  }): Promise<{ user: UserRecord; token: string }>;
  /** The user behind a cookie token, or undefined. Extends the idle expiry. */
  authenticate(token: string | undefined): Promise<Principal | undefined>;
  /** Ends this login and closes the connections it holds open. */
  logout(principal: Principal, sourceAddress: string): Promise<void>;
  /**
   * Keeps a connection (event stream, relay end) open only as long as its login: `close` runs
   * when the login ends. Returns what to call when the connection closes by itself.
   */
  holdOpen(principal: Principal, close: () => void): () => void;
  /**
   * Signs a user out everywhere but `exceptTokenHash` (disabled, deleted, new password): deletes
   * the logins and closes their event streams and relay connections in this process at once
   * (other servers of a cluster close theirs at their next check).
   */
  endLoginsOf(userId: string, exceptTokenHash?: string): Promise<void>;
  /**
   * Checks a signed-in user's password (to change it) like a sign-in: within the same guess
   * limits, which it shares, and the hashing gate. `RATE_LIMITED` after too many wrong ones.
   */
  checkPassword(input: {
    user: UserRecord;
    password: string;
    sourceAddress: string;
  }): Promise<boolean>;
  createUser(
    input: { username: string; password: string; role: Role } & Partial<
      Pick<UserRecord, 'displayName' | 'mustChangePassword'>
    >,
  ): Promise<UserRecord>;
  /** The user's valid logins (their list of sign-ins), newest first. */
  listLogins(userId: string): Promise<LoginRecord[]>;
  /**
   * Ends one login of the user by its non-secret ID and closes the connections it holds open;
   * false when the user has no such login.
   */
  endLogin(userId: string, loginId: string): Promise<boolean>;
}

/** Why a sign-in failed, as the audit log says it. */
type SignInFailure =
  'rate limited' | 'server busy' | 'wrong password' | 'unknown user' | 'account disabled';

/** Successful sign-ins read back at start, so known sources survive a restart. */
const KNOWN_SOURCES_FROM_AUDIT = 1000;

export function createAuthService(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  log: Logger;
  hashGate?: HashGate;
}): AuthService {
  const { store, clock, audit } = deps;
  const throttle = new SignInThrottle(clock);
  const hashGate = deps.hashGate ?? new HashGate();
  const liveLogins = new LiveLogins({ authSessions: store.authSessions, clock, log: deps.log });
  const unlocks = watchUnlockRequests({
    store,
    clock,
    onUnlock: (username) => throttle.unlock(username),
  });
  // Without them, the first attack after a restart would treat every owner as a stranger.
  const knownSourcesLoaded = store.audit
    .list({ limit: KNOWN_SOURCES_FROM_AUDIT, action: 'auth.login' })
    .then((logins) => {
      for (const entry of logins.reverse()) {
        if (entry.sourceAddress)
          throttle.rememberSuccess(entry.actor, sourceKeyOf(entry.sourceAddress), entry.at);
      }
    })
    .catch((error: unknown) => {
      deps.log.error({ err: error }, 'cannot read past sign-ins; known sources start empty');
    });

  /**
   * Audits a failed sign-in, then throws. A checked guess (wrong password, unknown user) is a row
   * of its own: the throttle already bounds how many there can be. A sign-in refused unchecked
   * (throttled, hashing busy) is tallied per source and reason: a flood costs a few rows.
   */
  async function refuse(
    username: string,
    sourceAddress: string,
    reason: SignInFailure,
    error: AppError = new AppError('AUTH_FAILED', 'Wrong username or password.'),
  ): Promise<never> {
    const event = {
      action: 'auth.login_failed' as const,
      actor: username,
      sourceAddress,
      details: { reason },
    };
    if (reason === 'rate limited' || reason === 'server busy')
      await audit.refused(event, { reason });
    else await audit.record(event);
    throw error;
  }

  /** Verifies within the hashing gate; false for unknown users and pseudo-users at equal cost. */
  async function verify(
    user: UserRecord | undefined,
    password: string,
    turn: { source: string; isKnownSource: boolean },
  ): Promise<boolean> {
    const stored = user?.passwordHash ?? (await decoyHash);
    return hashGate.run(() => verifyPassword(password, stored), turn);
  }

  return {
    async login({ username, password, sourceAddress }) {
      await Promise.all([knownSourcesLoaded, unlocks.poll()]);
      const source = sourceKeyOf(sourceAddress);
      // Reserved before anything is awaited: simultaneous guesses cannot all pass the check.
      const reservation = throttle.reserve(username, source);
      if (!reservation.ok) {
        const retryAfterSec = Math.ceil(reservation.retryAfterMs / 1000);
        const message = `Too many failed sign-ins. Try again in ${retryAfterSec} s.`;
        const error = new AppError('RATE_LIMITED', message, { retryAfterSec });
        return refuse(username, sourceAddress, 'rate limited', error);
      }
      let valid: boolean;
      let user: UserRecord | undefined;
      try {
        user = await store.users.findByUsername(username);
        valid = await verify(user, password, { source, isKnownSource: reservation.isKnownSource });
      } catch (error) {
        // Never checked (busy, database down): not a failed guess.
        reservation.release();
        if (error instanceof AppError && error.code === 'RATE_LIMITED')
          return refuse(username, sourceAddress, 'server busy', error);
        throw error;
      }
      if (!user || !valid)
        return refuse(username, sourceAddress, user ? 'wrong password' : 'unknown user');
      if (user.disabledAt) {
        // The right password: no guess to count. Said only to whoever knows the password.
        reservation.release();
        const message = 'This account is disabled. Ask an administrator to enable it.';
        return refuse(
          username,
          sourceAddress,
          'account disabled',
          new AppError('AUTH_FAILED', message),
        );
      }
      reservation.succeeded();
      const token = randomBytes(32).toString('base64url');
      const now = clock.now();
      await store.authSessions.create({
        tokenHash: tokenHashOf(token),
        userId: user.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
        sourceAddress,
      });
      await audit.record({ action: 'auth.login', actor: user.username, sourceAddress });
      return { user, token };
    },

    async authenticate(token) {
      if (!token || token.length > 128) return undefined;
      const tokenHash = tokenHashOf(token);
      const now = clock.now();
      const session = await store.authSessions.findValid(tokenHash, now);
      if (!session) return undefined;
      const user = await store.users.findById(session.userId);
      // Disabling deletes the user's logins; this also covers a login another node created meanwhile.
      if (!user || user.disabledAt) return undefined;
      // Extend at most once a minute: a busy console must not write on every request.
      const extended = now.getTime() + SESSION_IDLE_MS;
      if (extended - session.expiresAt.getTime() > 60_000) {
        await store.authSessions.extend(tokenHash, new Date(extended));
      }
      return { user, tokenHash };
    },

    async logout(principal, sourceAddress) {
      await store.authSessions.delete(principal.tokenHash);
      liveLogins.end(principal.tokenHash);
      await audit.record({ action: 'auth.logout', actor: principal.user.username, sourceAddress });
    },

    holdOpen(principal, close) {
      return liveLogins.hold({ tokenHash: principal.tokenHash, userId: principal.user.id }, close);
    },

    async endLoginsOf(userId, exceptTokenHash) {
      await store.authSessions.deleteForUser(userId, exceptTokenHash);
      liveLogins.endUser(userId, exceptTokenHash);
    },

    async checkPassword({ user, password, sourceAddress }) {
      const source = sourceKeyOf(sourceAddress);
      const reservation = throttle.reserve(user.username, source);
      if (!reservation.ok) {
        const retryAfterSec = Math.ceil(reservation.retryAfterMs / 1000);
        const message = `Too many wrong passwords. Try again in ${retryAfterSec} s.`;
        throw new AppError('RATE_LIMITED', message, { retryAfterSec });
      }
      let valid: boolean;
      try {
        valid = await verify(user, password, { source, isKnownSource: reservation.isKnownSource });
      } catch (error) {
        reservation.release();
        throw error;
      }
      if (valid) reservation.succeeded();
      return valid;
    },

    async createUser({ password, ...user }) {
      return store.users.create({
        ...user,
        id: randomUUID(),
        passwordHash: await hashPassword(password),
        createdAt: clock.now(),
      });
    },

    listLogins: (userId) => store.authSessions.listForUser(userId, clock.now()),

    async endLogin(userId, loginId) {
      const tokenHash = await store.authSessions.deleteById(userId, loginId);
      if (tokenHash === undefined) return false;
      liveLogins.end(tokenHash);
      return true;
    },
  };
}
