import { MIN_PASSWORD_LENGTH, type User } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useState, type SyntheticEvent } from 'react';
import { Notice } from '../../components/notice.js';
import { describeError } from '../../format/describe-error.js';

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
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeated, setRepeated] = useState('');
  const [isSubmitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mismatch = repeated !== '' && repeated !== newPassword;

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    api.changeMyPassword({ currentPassword, newPassword }).then(onChanged, (failure: unknown) => {
      setSubmitting(false);
      setError(describeError(failure));
    });
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={onSubmit} data-testid="change-password-form">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>Tether</span>
        </div>
        <h1>Choose a new password</h1>
        <Notice kind="info">
          {user.displayName || user.username}, an administrator set your password: choose your own
          before you continue.
        </Notice>
        {error && (
          <div data-testid="change-password-error">
            <Notice kind="error">{error}</Notice>
          </div>
        )}
        <label className="field">
          <span>Current password</span>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(event) => setCurrent(event.target.value)}
            data-testid="current-password"
          />
        </label>
        <label className="field">
          <span>New password</span>
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={1024}
            value={newPassword}
            onChange={(event) => setNew(event.target.value)}
            data-testid="new-password"
          />
          <small className="muted">At least {MIN_PASSWORD_LENGTH} characters.</small>
        </label>
        <label className="field">
          <span>New password again</span>
          <input
            type="password"
            autoComplete="new-password"
            required
            value={repeated}
            onChange={(event) => setRepeated(event.target.value)}
            data-testid="repeat-password"
          />
          {mismatch && <small className="muted">The two new passwords differ.</small>}
        </label>
        <button
          type="submit"
          className="button button-primary button-wide"
          disabled={
            isSubmitting ||
            currentPassword === '' ||
            newPassword.length < MIN_PASSWORD_LENGTH ||
            repeated !== newPassword
          }
          data-testid="change-password-submit"
        >
          {isSubmitting ? 'Saving…' : 'Change password'}
        </button>
        <button type="button" className="button-link" onClick={onSignOut}>
          Sign out
        </button>
      </form>
    </main>
  );
}
