import { MIN_PASSWORD_LENGTH, type User } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { Notice } from '../../components/notice.js';
import { describeError } from '../../format/describe-error.js';

/**
 * The fields that change the signed-in user's own password: the current one, and the new one
 * twice. Used by the forced change at sign-in and by the account page.
 *
 * @example
 * <ChangePasswordForm api={api} className="card" onChanged={setUser}><h2>Password</h2></ChangePasswordForm>
 */
export function ChangePasswordForm({
  api,
  className,
  onChanged,
  children,
}: {
  api: TetherClient;
  className: string;
  onChanged: (user: User) => void;
  /** Shown above the fields (title, explanation). */
  children?: ReactNode;
}) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeated, setRepeated] = useState('');
  const [isSubmitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    api.changeMyPassword({ currentPassword, newPassword }).then(
      (user) => {
        setSubmitting(false);
        setCurrent('');
        setNew('');
        setRepeated('');
        onChanged(user);
      },
      (failure: unknown) => {
        setSubmitting(false);
        setError(describeError(failure));
      },
    );
  };

  return (
    <form className={className} onSubmit={onSubmit} data-testid="change-password-form">
      {children}
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
        {repeated !== '' && repeated !== newPassword && (
          <small className="muted">The two new passwords differ.</small>
        )}
      </label>
      <button
        type="submit"
        className="button button-primary"
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
    </form>
  );
}
