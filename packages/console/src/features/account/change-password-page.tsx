import type { User } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { Notice } from '../../components/notice.js';
import { ChangePasswordForm } from './change-password-form.js';

/**
 * Shown instead of the console to a user who must change their password (an administrator
 * created them or reset it): the server refuses everything else until they have.
 *
 * @example
 * <ChangePasswordPage api={api} user={user} onChanged={setUser} onSignOut={signOut} />
 */
export function ChangePasswordPage({
  api,
  user,
  onChanged,
  onSignOut,
}: {
  api: TetherClient;
  user: User;
  onChanged: (user: User) => void;
  onSignOut: () => void;
}) {
  return (
    <main className="login">
      <ChangePasswordForm api={api} className="login-card" onChanged={onChanged}>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>Tether</span>
        </div>
        <h1>Choose a new password</h1>
        <Notice kind="info">
          {user.displayName || user.username}, an administrator set your password: choose your own
          before you continue.
        </Notice>
      </ChangePasswordForm>
      <p className="login-help">
        <button type="button" className="button-link" onClick={onSignOut}>
          Sign out
        </button>
      </p>
    </main>
  );
}
