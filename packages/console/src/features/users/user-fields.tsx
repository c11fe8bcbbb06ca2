import type { Role, RoleView } from '@tether/protocol';

interface FieldProps<T> {
  value: T;
  onChange: (value: T) => void;
  testId: string;
}

/**
 * A user's display name, as the user form, the user's edit panel and My account ask for it.
 *
 * @example
 * <DisplayNameField value={name} onChange={setName} testId="account-display-name" />
 */
export function DisplayNameField({
  value,
  onChange,
  testId,
  placeholder,
}: FieldProps<string> & { placeholder?: string }) {
  return (
    <label className="field">
      <span>Display name</span>
      <input
        value={value}
        maxLength={128}
        onChange={(event) => onChange(event.target.value)}
        placeholder={placeholder}
        data-testid={testId}
      />
    </label>
  );
}

/** What the role picker says of a role: its name and, for a built-in one, what it is for. */
function roleLabel(role: RoleView): string {
  return role.builtIn ? `${role.name} — ${role.description}` : `${role.name} (custom)`;
}

/**
 * The role picker of the user form and the user's edit panel: the built-in roles, then the
 * custom ones (`GET /api/v1/roles`).
 *
 * @example
 * <RoleField roles={roles} value={role} onChange={setRole} testId="user-role" />
 */
export function RoleField({
  roles,
  value,
  onChange,
  testId,
}: FieldProps<Role> & { roles: readonly RoleView[] }) {
  return (
    <label className="field">
      <span>Role</span>
      <select value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId}>
        {roles.map((role) => (
          <option key={role.id} value={role.id}>
            {roleLabel(role)}
          </option>
        ))}
      </select>
    </label>
  );
}
