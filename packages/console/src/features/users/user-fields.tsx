import type { Role } from '@tether/protocol';

/** The roles an administrator gives, with what each may do. */
export const ROLE_CHOICES: { role: Role; label: string }[] = [
  { role: 'technician', label: 'Technician — devices, sessions, recordings' },
  { role: 'privileged', label: 'Privileged — also makes installers' },
  { role: 'administrator', label: 'Administrator — everything' },
];

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

/**
 * The role picker of the user form and the user's edit panel.
 *
 * @example
 * <RoleField value={role} onChange={setRole} testId="user-role" />
 */
export function RoleField({ value, onChange, testId }: FieldProps<Role>) {
  return (
    <label className="field">
      <span>Role</span>
      <select
        value={value}
        onChange={(event) => onChange(event.target.value as Role)}
        data-testid={testId}
      >
        {ROLE_CHOICES.map((choice) => (
          <option key={choice.role} value={choice.role}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}
