import {
  PERMISSION_INFO,
  PERMISSIONS,
  type Permission,
  type PermissionInfo,
  type RoleView,
} from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { FormSubmit } from '../../components/form-submit.js';
import { useAction } from '../../hooks/use-action.js';

/** The permissions by group, in the order the form shows them. */
const GROUPS = PERMISSIONS.reduce<Map<PermissionInfo['group'], Permission[]>>((groups, name) => {
  const { group } = PERMISSION_INFO[name];
  groups.set(group, [...(groups.get(group) ?? []), name]);
  return groups;
}, new Map());

/**
 * The permission checkboxes of a role, grouped and each explained in plain words. Signing in
 * to the console is always on: every role has it.
 */
function PermissionChoices({
  value,
  onChange,
}: {
  value: ReadonlySet<Permission>;
  onChange: (value: ReadonlySet<Permission>) => void;
}) {
  const toggle = (permission: Permission, isOn: boolean) => {
    const next = new Set(value);
    if (isOn) next.add(permission);
    else next.delete(permission);
    onChange(next);
  };
  return (
    <div className="field-wide role-permissions">
      {[...GROUPS].map(([group, permissions]) => (
        <fieldset key={group} className="checkboxes">
          <legend>{group}</legend>
          {permissions.map((permission) => {
            const info = PERMISSION_INFO[permission];
            const isFixed = permission === 'console.use';
            return (
              <label key={permission} className="checkbox">
                <input
                  type="checkbox"
                  checked={isFixed || value.has(permission)}
                  disabled={isFixed}
                  onChange={(event) => toggle(permission, event.target.checked)}
                  data-testid={`role-permission-${permission}`}
                />
                <span>
                  {info.label}
                  <small className="muted block">{info.description}</small>
                </span>
              </label>
            );
          })}
        </fieldset>
      ))}
    </div>
  );
}

/**
 * Creates a custom role, or changes one (`role`): name, description and permissions.
 *
 * @example
 * <RoleForm onSaved={reload} />
 * <RoleForm role={helpdesk} onSaved={reload} onCancel={close} />
 */
export function RoleForm({
  role,
  onSaved,
  onCancel,
}: {
  role?: RoleView;
  onSaved: (role: RoleView) => void;
  onCancel?: () => void;
}) {
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [permissions, setPermissions] = useState<ReadonlySet<Permission>>(
    new Set(role?.permissions ?? ['console.use']),
  );
  const save = useAction(
    (api) => {
      const request = {
        name: name.trim(),
        description: description.trim(),
        permissions: [...permissions],
      };
      return role ? api.updateRole(role.id, request) : api.createRole(request);
    },
    {
      onDone: (saved) => {
        if (!role) {
          setName('');
          setDescription('');
          setPermissions(new Set(['console.use']));
        }
        onSaved(saved);
      },
    },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  const testId = role ? 'role-edit' : 'role-create';
  return (
    <form
      className={role ? 'form-grid' : 'card form-grid'}
      onSubmit={onSubmit}
      data-testid={`${testId}-form`}
    >
      {!role && <h2>Create a role</h2>}
      <label className="field">
        <span>Name</span>
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          maxLength={64}
          placeholder="e.g. Helpdesk"
          data-testid={`${testId}-name`}
        />
      </label>
      <label className="field">
        <span>Description</span>
        <input
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          maxLength={500}
          placeholder="What people with this role do"
          data-testid={`${testId}-description`}
        />
      </label>
      <PermissionChoices value={permissions} onChange={setPermissions} />
      <FormSubmit
        action={save}
        label={role ? 'Save role' : 'Create role'}
        busyLabel="Saving…"
        disabled={name.trim() === ''}
        testId={`${testId}-submit`}
      />
      {onCancel && (
        <div className="field-wide">
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      )}
    </form>
  );
}
