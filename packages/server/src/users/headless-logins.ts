import type { Store } from '../store/store.js';
import { verifyPassword } from '../auth/password-hash.js';
import type { LoginControl } from './user-service.js';

/**
 * Sign-in control for the headless CLI, which works on the data directory: logins are deleted
 * from the store, and a running server closes their connections at its next check (seconds).
 */
export function headlessLoginControl(store: Store): LoginControl {
  return {
    async endLoginsOf(userId, exceptTokenHash) {
      await store.authSessions.deleteForUser(userId, exceptTokenHash);
    },
    checkPassword: ({ user, password }) => verifyPassword(password, user.passwordHash),
  };
}
