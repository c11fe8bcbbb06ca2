import { MIN_PASSWORD_LENGTH, type Role, type RoleView, type User } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { FormSubmit } from '../../components/form-submit.js';
import { useAction } from '../../hooks/use-action.js';
import { DisplayNameField, RoleField } from './user-fields.js';

/**
 * The form that creates a user with an initial password.
 *
 * @example
 * <UserForm roles={roles} onCreated={reload} />
 */
export function UserForm({
  roles,
  onCreated,
}: {
  roles: readonly RoleView[];
  onCreated: (user: User) => void;
}) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('technician');
  const [password, setPassword] = useState('');
  const [mustChangePassword, setMustChange] = useState(true);
  const create = useAction(
    (api) =>
      api.createUser({
        username: username.trim(),
        displayName: displayName.trim(),
        role,
        password,
        mustChangePassword,
      }),
    {
      onDone: (user) => {
        setUsername('');
        setDisplayName('');
        setPassword('');
        onCreated(user);
      },
    },
  );

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.run();
  };

  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="user-form">
      <h2>Create a user</h2>
      <label className="field">
        <span>Username</span>
        <input
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          required
          maxLength={64}
          autoComplete="off"
          data-testid="user-username"
        />
        <small className="muted">Letters, digits and . _ - @; no spaces.</small>
      </label>
      <DisplayNameField
        value={displayName}
        onChange={setDisplayName}
        placeholder="e.g. Jo Martin"
        testId="user-display-name"
      />
      <RoleField roles={roles} value={role} onChange={setRole} testId="user-role" />
      <label className="field">
        <span>Initial password</span>
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
          minLength={MIN_PASSWORD_LENGTH}
          data-testid="user-password"
        />
        <small className="muted">At least {MIN_PASSWORD_LENGTH} characters.</small>
      </label>
      <label className="checkbox field-wide">
        <input
          type="checkbox"
          checked={mustChangePassword}
          onChange={(event) => setMustChange(event.target.checked)}
          data-testid="user-must-change"
        />
        <span>Must change the password at the first sign-in</span>
      </label>
      <FormSubmit
        action={create}
        label="Create user"
        busyLabel="Creating…"
        disabled={username.trim() === '' || password === ''}
        testId="user-create"
      />
    </form>
  );
}
