import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { AuthService } from './auth-service.js';
import { generatePassword, hashPassword } from './password-hash.js';
import { requestUnlock } from './unlock-requests.js';

/** The first administrator's username. */
export const ADMIN_USERNAME = 'admin';

/**
 * First start (S-3): creates the administrator with the given password or a random one, which
 * the caller shows once. Returns undefined when users already exist.
 */
export async function ensureAdminAccount(deps: {
  store: Store;
  auth: AuthService;
  password?: string | undefined;
}): Promise<{ username: string; password: string; generated: boolean } | undefined> {
  if ((await deps.store.users.count()) > 0) return undefined;
  const password = deps.password ?? generatePassword();
  await deps.auth.createUser({ username: ADMIN_USERNAME, password, role: 'administrator' });
  return { username: ADMIN_USERNAME, password, generated: deps.password === undefined };
}

/**
 * Headless password reset (`tether admin reset-password`): sets a new password (random unless
 * given), signs the user out everywhere, audits it.
 */
export async function resetPassword(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  username: string;
  password?: string | undefined;
}): Promise<{ password: string } | undefined> {
  const user = await deps.store.users.findByUsername(deps.username);
  if (!user) return undefined;
  const password = deps.password ?? generatePassword();
  await deps.store.users.setPasswordHash(user.id, await hashPassword(password), deps.clock.now());
  await deps.store.authSessions.deleteForUser(user.id);
  await deps.audit.record({
    action: 'user.password_reset',
    actor: 'system',
    target: user.username,
    details: { via: 'headless' },
  });
  return { password };
}

/**
 * Clears the sign-in ceiling of an account and its per-source delays on every server using this
 * store (within a second), and audits it: `tether admin unlock` (actor `system`) and the users
 * page. Returns false when there is no such user.
 */
export async function unlockSignIn(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  username: string;
  /** Who asked; absent: the headless CLI. */
  by?: { username: string; sourceAddress?: string | undefined };
}): Promise<boolean> {
  const user = await deps.store.users.findByUsername(deps.username);
  if (!user) return false;
  await requestUnlock(deps.store, user.username, deps.clock.now());
  await deps.audit.record({
    action: 'auth.unlocked',
    actor: deps.by?.username ?? 'system',
    target: user.username,
    sourceAddress: deps.by?.sourceAddress ?? null,
    details: { via: deps.by ? 'console' : 'headless' },
  });
  return true;
}
