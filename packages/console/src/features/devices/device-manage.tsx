import { deviceLifecycleEndpoints, type Device, type UpdateDeviceRequest } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { FormSubmit } from '../../components/form-submit.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { visibleText } from '../../format/visible-text.js';
import { navigate } from '../../routing/navigation.js';
import { GroupSelect } from '../device-groups/group-select.js';

/** "a, b ,, c" → ['a', 'b', 'c']: how the console takes tags, and how bulk tagging does too. */
export function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

/** Only the fields that differ from the device: an unchanged form sends (and audits) nothing. */
function changesOf(
  device: Device,
  draft: { name: string; comments: string; tags: string; group: string },
): UpdateDeviceRequest {
  const tags = parseTags(draft.tags);
  return {
    ...(draft.name.trim() !== device.name && { name: draft.name }),
    ...(draft.comments !== (device.comments ?? '') && { comments: draft.comments }),
    ...(tags.join('\n') !== (device.tags ?? []).join('\n') && { tags }),
    ...(draft.group !== device.group && { group: draft.group }),
  };
}

function EditForm({
  device,
  onSaved,
  onCancel,
}: {
  device: Device;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState({
    name: device.name,
    comments: device.comments ?? '',
    tags: (device.tags ?? []).join(', '),
    group: device.group,
  });
  const change = changesOf(device, draft);
  const save = useAction(
    (api) => api.call(deviceLifecycleEndpoints.update, { params: { id: device.id }, body: change }),
    { onDone: onSaved },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  const field = (name: keyof typeof draft) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) =>
      setDraft({ ...draft, [name]: event.target.value }),
    'data-testid': `device-edit-${name}`,
  });
  return (
    <form className="form-grid" onSubmit={onSubmit} data-testid="device-edit-form">
      <label className="field">
        <span>Name</span>
        <input required maxLength={128} {...field('name')} />
        <small className="muted">
          Shown instead of the hostname ({visibleText(device.hostname)}).
        </small>
      </label>
      <label className="field">
        <span>Tags</span>
        <input placeholder="front-desk, kiosk" {...field('tags')} />
        <small className="muted">Separated by commas.</small>
      </label>
      <label className="field field-wide">
        <span>Comments</span>
        <textarea rows={3} maxLength={1024} {...field('comments')} />
      </label>
      <GroupSelect
        value={draft.group}
        onChange={(group) => setDraft({ ...draft, group })}
        label="Group"
        hint="Its policies apply to the device from now on."
        testId="device-edit-group"
      />
      <FormSubmit
        action={save}
        label="Save"
        busyLabel="Saving…"
        disabled={Object.keys(change).length === 0}
        testId="device-edit-save"
      />
      <div className="field-wide">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * Managing one device (issue 15): edit its name, comments, tags and group, or delete it after a
 * confirmation (its agent uninstalls itself). Shown to whoever may manage the device's group.
 *
 * @example
 * <DeviceManage device={device} onChanged={reload} />
 */
export function DeviceManage({ device, onChanged }: { device: Device; onChanged: () => void }) {
  const { can } = useConsole();
  const [isEditing, setEditing] = useState(false);
  const remove = useAction(
    (api) => api.call(deviceLifecycleEndpoints.remove, { params: { id: device.id } }),
    { onDone: () => navigate('/devices') },
  );
  if (!can('installers.manage') || !device.rights?.includes('devices.manage')) return null;
  const confirmDelete = (): void => {
    const question = `Delete "${device.name}"? ${
      device.online
        ? 'Its agent is online and will uninstall itself now.'
        : 'Its agent will uninstall itself if it ever connects again.'
    } Its sessions end; its history stays. This cannot be undone.`;
    if (window.confirm(question)) remove.run();
  };
  return (
    <section className="card" data-testid="device-manage">
      <h2>Manage</h2>
      {isEditing ? (
        <EditForm
          device={device}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
        />
      ) : (
        <>
          <p className="muted small">
            The name, comments and tags are for people: the device keeps its hostname.
          </p>
          <button
            type="button"
            className="button"
            onClick={() => setEditing(true)}
            data-testid="device-edit"
          >
            Edit…
          </button>{' '}
          <button
            type="button"
            className="button button-danger"
            disabled={remove.isRunning}
            onClick={confirmDelete}
            data-testid="device-delete"
          >
            Delete device…
          </button>
        </>
      )}
      {remove.error && (
        <Notice kind="error" onDismiss={remove.clearError}>
          {remove.error}
        </Notice>
      )}
    </section>
  );
}
