import type { DeviceGroup } from '@tether/protocol';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Notice } from '../../components/notice.js';
import { visibleText } from '../../format/visible-text.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

/** The option that opens the "New group…" shortcut (no group name starts with NUL). */
const NEW_GROUP = '\u0000new';

interface GroupSelectProps {
  /** The chosen group's name ('' for none). */
  value: string;
  onChange: (name: string) => void;
  label: string;
  hint?: string;
  /** An empty first choice with this text; without it, a group is always chosen. */
  placeholder?: string;
  testId: string;
}

/**
 * Picks an existing device group: the one place the console takes a group (installers, policy
 * assignments), so a typing mistake cannot name a group nobody created. Administrators get a
 * "New group…" choice that creates one in place and picks it.
 *
 * @example
 * <GroupSelect value={group} onChange={setGroup} label="Device group" testId="installer-group" />
 */
export function GroupSelect({
  value,
  onChange,
  label,
  hint,
  placeholder,
  testId,
}: GroupSelectProps) {
  const { can } = useConsole();
  const [groups, reload] = useLoad((api) => api.listDeviceGroups(), []);
  const [isCreating, setCreating] = useState(false);
  const labelId = useId();
  // A group made with "New group…" is offered at once, before the reload brings it.
  const [created, setCreated] = useState<DeviceGroup[]>([]);
  const loaded = groups.state === 'ready' ? groups.value : [];
  const list = [...loaded, ...created.filter((group) => !loaded.some((l) => l.id === group.id))];
  const isKnown = list.some((group) => group.name === value);
  // Without a placeholder a group is always chosen: the default one, or the first.
  useEffect(() => {
    if (placeholder !== undefined || groups.state !== 'ready' || isKnown) return;
    const fallback = list.find((group) => group.name === 'Default') ?? list[0];
    if (fallback) onChange(fallback.name);
  }, [placeholder, groups.state, isKnown, list, onChange]);

  return (
    // A div, not a label: the "New group…" shortcut puts more controls in the field.
    <div className="field">
      <span id={labelId}>{label}</span>
      <select
        aria-labelledby={labelId}
        value={isKnown ? value : ''}
        disabled={groups.state !== 'ready'}
        onChange={(event) =>
          event.target.value === NEW_GROUP ? setCreating(true) : onChange(event.target.value)
        }
        data-testid={testId}
      >
        {groups.state === 'loading' && <option value="">Loading groups…</option>}
        {(placeholder !== undefined || list.length === 0) && (
          <option value="">{placeholder ?? 'No group yet'}</option>
        )}
        {list.map((group: DeviceGroup) => (
          <option key={group.id} value={group.name}>
            {visibleText(group.name)}
          </option>
        ))}
        {can('groups.manage') && <option value={NEW_GROUP}>New group…</option>}
      </select>
      {groups.state === 'failed' && <Notice kind="error">{groups.message}</Notice>}
      {isCreating && (
        <NewGroup
          testId={`${testId}-new`}
          onCancel={() => setCreating(false)}
          onCreated={(group) => {
            setCreating(false);
            setCreated((previous) => [...previous, group]);
            reload();
            onChange(group.name);
          }}
        />
      )}
      {hint && <small className="muted">{hint}</small>}
    </div>
  );
}

/** The "New group…" shortcut: a name, created at once (inside another form, so no <form>). */
function NewGroup({
  testId,
  onCancel,
  onCreated,
}: {
  testId: string;
  onCancel: () => void;
  onCreated: (group: DeviceGroup) => void;
}) {
  const [name, setName] = useState('');
  const create = useAction((api) => api.createDeviceGroup({ name: name.trim() }), {
    onDone: onCreated,
  });
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    // Enter creates the group; it must not submit the form around the picker.
    event.preventDefault();
    if (name.trim() !== '') create.run();
  };
  return (
    <span className="inline-create">
      <input
        value={name}
        onChange={(event) => setName(event.target.value)}
        onKeyDown={onKeyDown}
        maxLength={128}
        placeholder="New group name"
        aria-label="New group name"
        autoFocus
        data-testid={`${testId}-name`}
      />{' '}
      <button
        type="button"
        className="button button-small"
        disabled={name.trim() === '' || create.isRunning}
        onClick={() => create.run()}
        data-testid={`${testId}-create`}
      >
        Create group
      </button>{' '}
      <button type="button" className="button button-small" onClick={onCancel}>
        Cancel
      </button>
      {create.error && (
        <Notice kind="error" onDismiss={create.clearError}>
          {create.error}
        </Notice>
      )}
    </span>
  );
}
