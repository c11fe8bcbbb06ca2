import { AppError, DeviceGroupDeleteRefusal, type DeviceGroup } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useState, type SyntheticEvent } from 'react';
import { Notice } from '../../components/notice.js';
import { formatDateTime } from '../../format/format.js';
import { visibleText } from '../../format/visible-text.js';
import { useAction } from '../../hooks/use-action.js';

/** A refusal the administrator may overrule: only removable assignments hold the group. */
function onlyAssignmentsBlock(error: unknown): error is AppError {
  if (!(error instanceof AppError) || error.code !== 'CONFLICT') return false;
  const refusal = DeviceGroupDeleteRefusal.safeParse(error.details);
  return (
    refusal.success &&
    refusal.data.blockers.length > 0 &&
    refusal.data.blockers.every((blocker) => blocker.isRemovable)
  );
}

/**
 * Deletes the group; when only policy assignments hold it, resolves with the server's message
 * so the row can ask for confirmation instead of failing.
 */
async function deleteGroup(
  api: TetherClient,
  group: DeviceGroup,
  removeAssignments: boolean,
): Promise<string | null> {
  try {
    await api.deleteDeviceGroup(group.id, { removeAssignments });
    return null;
  } catch (error) {
    if (!removeAssignments && onlyAssignmentsBlock(error)) return error.message;
    throw error;
  }
}

/**
 * One group of the table with its actions: edit (rename, describe) and delete. A refused delete
 * shows why (the devices, installers or tenants to move first); when only policy assignments
 * hold the group, it offers to delete it together with them.
 */
export function DeviceGroupRow({
  group,
  onChanged,
}: {
  group: DeviceGroup;
  onChanged: () => void;
}) {
  const [isEditing, setEditing] = useState(false);
  const [pending, setPending] = useState<string | null>(null);
  const remove = useAction(
    (api, removeAssignments: boolean) => deleteGroup(api, group, removeAssignments),
    { onDone: (message) => (message === null ? onChanged() : setPending(message)) },
  );
  const confirmDelete = () => {
    if (window.confirm(`Delete the device group "${group.name}"?`)) remove.run(false);
  };
  return (
    <>
      <tr data-testid="group-row" data-name={group.name}>
        <td>{visibleText(group.name)}</td>
        <td>{group.description || <span className="muted">—</span>}</td>
        <td data-testid="group-row-devices">{group.deviceCount}</td>
        <td>{formatDateTime(group.createdAt)}</td>
        <td className="align-end row-actions">
          <button
            type="button"
            className="button button-small"
            onClick={() => setEditing(true)}
            data-testid="group-edit"
          >
            Edit
          </button>
          <button
            type="button"
            className="button button-small button-danger"
            disabled={remove.isRunning}
            onClick={confirmDelete}
            data-testid="group-delete"
          >
            Delete
          </button>
        </td>
      </tr>
      {(remove.error ?? pending) && (
        <tr>
          <td colSpan={5} data-testid="group-row-error">
            <Notice
              kind={pending ? 'warning' : 'error'}
              onDismiss={() => (remove.clearError(), setPending(null))}
            >
              {remove.error ?? pending}
              {pending && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="button button-small button-danger"
                    onClick={() => (setPending(null), remove.run(true))}
                    data-testid="group-delete-with-assignments"
                  >
                    Delete it and remove those assignments
                  </button>
                </>
              )}
            </Notice>
          </td>
        </tr>
      )}
      {isEditing && (
        <tr>
          <td colSpan={5}>
            <EditGroup
              group={group}
              onCancel={() => setEditing(false)}
              onDone={() => (setEditing(false), onChanged())}
            />
          </td>
        </tr>
      )}
    </>
  );
}

function EditGroup({
  group,
  onDone,
  onCancel,
}: {
  group: DeviceGroup;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description);
  const save = useAction(
    (api) =>
      api.updateDeviceGroup(group.id, { name: name.trim(), description: description.trim() }),
    { onDone },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  return (
    <form className="form-grid" onSubmit={onSubmit} data-testid="group-edit-form">
      <label className="field">
        <span>Name</span>
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          maxLength={128}
          data-testid="group-edit-name"
        />
        <small className="muted">Its devices, installers, policies and tenants follow.</small>
      </label>
      <label className="field field-span-2">
        <span>Description</span>
        <input
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          maxLength={1024}
          data-testid="group-edit-description"
        />
      </label>
      <div className="field-wide">
        {save.error && (
          <Notice kind="error" onDismiss={save.clearError}>
            {save.error}
          </Notice>
        )}
        <button
          type="submit"
          className="button button-primary button-small"
          disabled={save.isRunning || name.trim() === ''}
          data-testid="group-edit-save"
        >
          Save
        </button>{' '}
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
