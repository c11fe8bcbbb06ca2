import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError, type ContinueSignInRequest, type Permission, type Role } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { LoginRecord, Store, UserRecord } from '../store/store.js';
import type { Logger } from '../logging.js';
import { lookUpRole } from '../roles/role-permissions.js';
import { HashGate } from './hash-gate.js';
import { LiveLogins } from './live-logins.js';
import { createFirstFactor, type Refusal, type SignInFailure } from './first-factor.js';
import { PendingSignIns } from './pending-sign-ins.js';
import type {
  ExternalIdentity,
  GroupMapping,
  PasswordDirectory,
  SecondFactors,
  SignInProgress,
} from './sign-in-methods.js';
import { provisionExternalUser, type TeamSync } from '../users/external-users.js';
import { decoyHash, hashPassword, verifyPassword } from './password-hash.js';
import { SignInThrottle } from './sign-in-throttle.js';
import type { KnownSourcesFeed } from '../cluster/known-sign-in-sources.js';
import { sourceKeyOf } from './source-key.js';
import { watchUnlockRequests } from './unlock-requests.js';
import type { Principal, SignedIn, SignInOutcome } from './principal.js';

/** How long a console login lasts without activity. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

function tokenHashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export {
  signedIn,
  toApiUser,
  toOwnApiUser,
  type Principal,
  type SignedIn,
  type SignInOutcome,
} from './principal.js';

export interface AuthService {
  /**
   * Checks credentials within the sign-in throttle (per account and source, per source, per
   * account) and the hashing gate: a local user's password here, anyone else's with the
   * configured directories in order. Returns a cookie token, or the step (second factor,
   * directory challenge) the sign-in still needs.
   */
  login(input: {
    username: string;
    password: string;
    sourceAddress: string;
  }): Promise<SignInOutcome>;
  /** Answers a step `login` returned; a wrong answer counts like a wrong password. */
  continueLogin(input: ContinueSignInRequest & { sourceAddress: string }): Promise<SignInOutcome>;
  /**
   * Signs in someone a single sign-on provider vouched for (SAML, OpenID Connect): the user is
   * created or updated from `mapping`, and no Tether second factor is asked (the provider's
   * own applies). Returns a cookie token.
   */
  signInExternal(input: {
    identity: ExternalIdentity;
    mapping: GroupMapping;
    sourceAddress: string;
  }): Promise<SignedIn>;
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
  /**
   * Refuses a signed-in user whose role lacks `permission`: `FORBIDDEN`, audited as
   * `permission.refused` (tallied per source, so a flood costs a few rows). `target` names what
   * was refused (an endpoint ID, a relay join).
   */
  requirePermission(
    principal: Principal,
    permission: Permission,
    refused: { target: string; sourceAddress: string },
  ): Promise<void>;
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

/** Successful sign-ins read back at start, so known sources survive a restart. */
const KNOWN_SOURCES_FROM_AUDIT = 1000;

export function createAuthService(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  log: Logger;
  hashGate?: HashGate;
  /** Directories that check the passwords of users who are not local, asked in this order. */
  directories?: () => readonly PasswordDirectory[] | Promise<readonly PasswordDirectory[]>;
  secondFactors?: SecondFactors;
  /** Gives directory and single sign-on users the teams their groups map to. */
  syncTeams?: TeamSync;
  /** The sources users signed in from on the other nodes of a cluster, and this one's. */
  knownSources?: KnownSourcesFeed;
  /** Told of every completed sign-in (the new-address notification); must not throw. */
  onSignedIn?: (signIn: {
    user: UserRecord;
    permissions: readonly string[];
    sourceAddress: string;
  }) => void;
}): AuthService {
  const { store, clock, audit } = deps;
  const pending = new PendingSignIns(clock);
  const throttle = new SignInThrottle({
    counters: store.guessCounters,
    clock,
    knownSources: deps.knownSources,
  });
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

  const { firstFactor, withSecondFactor } = createFirstFactor({ ...deps, verify });

  function refuseThrottled(username: string, sourceAddress: string, retryAfterMs: number) {
    const retryAfterSec = Math.ceil(retryAfterMs / 1000);
    const message = `Too many failed sign-ins. Try again in ${retryAfterSec} s.`;
    const error = new AppError('RATE_LIMITED', message, { retryAfterSec });
    return refuse(username, sourceAddress, 'rate limited', error);
  }

  /** Signs in a user who took every step, or parks the sign-in at its next step. */
  async function settle(
    progress: SignInProgress,
    username: string,
    sourceAddress: string,
  ): Promise<SignInOutcome> {
    if ('done' in progress) return issueLogin(progress.done, sourceAddress);
    return { step: pending.park({ username, sourceAddress, progress }) };
  }

  async function mustEnrol(user: UserRecord): Promise<boolean> {
    return (await deps.secondFactors?.mustEnrol?.(user)) ?? false;
  }

  async function issueLogin(user: UserRecord, sourceAddress: string): Promise<SignedIn> {
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
    const { name: roleName, permissions } = await lookUpRole(store.roles, user.role);
    deps.onSignedIn?.({ user, permissions, sourceAddress });
    return { user, token, permissions, roleName, mustEnrolSecondFactor: await mustEnrol(user) };
  }

  return {
    async login({ username, password, sourceAddress }) {
      await Promise.all([knownSourcesLoaded, unlocks.poll()]);
      const source = sourceKeyOf(sourceAddress);
      // Reserved before the password is checked: simultaneous guesses cannot all pass the check.
      const reservation = await throttle.reserve(username, source);
      if (!reservation.ok)
        return refuseThrottled(username, sourceAddress, reservation.retryAfterMs);
      let outcome: SignInProgress | Refusal;
      try {
        outcome = await firstFactor(username, password, {
          source,
          isKnownSource: reservation.isKnownSource,
        });
      } catch (error) {
        // Never checked (busy, database or directory down): not a failed guess.
        await reservation.release();
        if (error instanceof AppError && error.code === 'RATE_LIMITED')
          return refuse(username, sourceAddress, 'server busy', error);
        throw error;
      }
      if ('reason' in outcome) {
        // The right password of a disabled or unmapped account: no guess to count.
        if (outcome.reason === 'account disabled' || outcome.reason === 'not allowed')
          await reservation.release();
        return refuse(username, sourceAddress, outcome.reason, outcome.error);
      }
      const progress = await withSecondFactor(outcome);
      // Half way (a second factor to come) is neither a failed guess nor a known source yet.
      if ('step' in progress) await reservation.release();
      else await reservation.succeeded();
      return settle(progress, username, sourceAddress);
    },

    async continueLogin({ ticket, sourceAddress, ...answer }) {
      const waiting = pending.take(ticket, sourceAddress);
      const { username } = waiting;
      const reservation = await throttle.reserve(username, sourceKeyOf(sourceAddress));
      if (!reservation.ok)
        return refuseThrottled(username, sourceAddress, reservation.retryAfterMs);
      let progress: SignInProgress;
      try {
        progress = await waiting.progress.next(answer);
      } catch (error) {
        if (error instanceof AppError && error.code === 'AUTH_FAILED')
          return refuse(username, sourceAddress, 'wrong code', error);
        await reservation.release();
        throw error;
      }
      pending.end(ticket);
      if ('step' in progress) await reservation.release();
      else await reservation.succeeded();
      return settle(progress, username, sourceAddress);
    },

    async signInExternal({ identity, mapping, sourceAddress }) {
      let user: UserRecord;
      try {
        user = await provisionExternalUser(deps, identity, mapping);
      } catch (error) {
        if (error instanceof AppError && error.code === 'AUTH_FAILED')
          return refuse(identity.username, sourceAddress, 'not allowed', error);
        throw error;
      }
      return issueLogin(user, sourceAddress);
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
      const { name: roleName, permissions } = await lookUpRole(store.roles, user.role);
      return {
        user,
        tokenHash,
        permissions,
        roleName,
        mustEnrolSecondFactor: await mustEnrol(user),
      };
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
      const reservation = await throttle.reserve(user.username, source);
      if (!reservation.ok) {
        const retryAfterSec = Math.ceil(reservation.retryAfterMs / 1000);
        const message = `Too many wrong passwords. Try again in ${retryAfterSec} s.`;
        throw new AppError('RATE_LIMITED', message, { retryAfterSec });
      }
      let valid: boolean;
      try {
        valid = await verify(user, password, { source, isKnownSource: reservation.isKnownSource });
      } catch (error) {
        await reservation.release();
        throw error;
      }
      if (valid) await reservation.succeeded();
      return valid;
    },

    async requirePermission(principal, permission, { target, sourceAddress }) {
      if (principal.permissions.includes(permission)) return;
      const { username, role } = principal.user;
      await audit.refused(
        {
          action: 'permission.refused',
          actor: username,
          target,
          sourceAddress,
          details: { role, permission },
        },
        // Per user and endpoint: each refused action shows up at once, and a script repeating
        // one costs one row and a summary per minute.
        { reason: `${username} lacks ${permission}`, isPerTarget: true },
      );
      throw new AppError(
        'FORBIDDEN',
        `Your role does not allow this: it needs the permission "${permission}". Ask an administrator.`,
      );
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
