import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError, type Role, type User } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Store, UserRecord } from '../store/store.js';
import { LoginLimiter } from './login-limiter.js';
import { decoyHash, hashPassword, verifyPassword } from './password-hash.js';

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
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}

export interface AuthService {
  /** Checks credentials with a growing delay per account and source; returns a cookie token. */
  login(input: {
    username: string;
    password: string;
    sourceAddress: string;
  }): Promise<{ user: UserRecord; token: string }>;
  /** The user behind a cookie token, or undefined. Extends the idle expiry. */
  authenticate(token: string | undefined): Promise<Principal | undefined>;
  logout(principal: Principal, sourceAddress: string): Promise<void>;
  createUser(input: { username: string; password: string; role: Role }): Promise<UserRecord>;
}

export function createAuthService(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}): AuthService {
  const limiter = new LoginLimiter(deps.clock);
  const { store, clock, audit } = deps;

  async function refuse(username: string, sourceAddress: string, reason: string): Promise<never> {
    await audit.record({
      action: 'auth.login_failed',
      actor: username,
      sourceAddress,
      details: { reason },
    });
    throw new AppError('AUTH_FAILED', 'Wrong username or password.');
  }

  return {
    async login({ username, password, sourceAddress }) {
      const keys = [`user:${username.toLowerCase()}`, `source:${sourceAddress}`];
      const waitMs = limiter.retryAfterMs(keys);
      if (waitMs > 0) {
        const retryAfterSec = Math.ceil(waitMs / 1000);
        await audit.record({
          action: 'auth.login_failed',
          actor: username,
          sourceAddress,
          details: { reason: 'rate limited' },
        });
        throw new AppError(
          'RATE_LIMITED',
          `Too many failed sign-ins. Try again in ${retryAfterSec} s.`,
          { retryAfterSec },
        );
      }
      const user = await store.users.findByUsername(username);
      // Verify against a decoy for unknown users, so timing does not reveal which names exist.
      const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
      if (!user || !valid) {
        limiter.recordFailure(keys);
        return refuse(username, sourceAddress, user ? 'wrong password' : 'unknown user');
      }
      limiter.recordSuccess(keys[0] as string);
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
      if (!user) return undefined;
      // Extend at most once a minute: a busy console must not write on every request.
      const extended = now.getTime() + SESSION_IDLE_MS;
      if (extended - session.expiresAt.getTime() > 60_000) {
        await store.authSessions.extend(tokenHash, new Date(extended));
      }
      return { user, tokenHash };
    },

    async logout(principal, sourceAddress) {
      await store.authSessions.delete(principal.tokenHash);
      await audit.record({ action: 'auth.logout', actor: principal.user.username, sourceAddress });
    },

    async createUser({ username, password, role }) {
      return store.users.create({
        id: randomUUID(),
        username,
        role,
        passwordHash: await hashPassword(password),
        createdAt: clock.now(),
      });
    },
  };
}
