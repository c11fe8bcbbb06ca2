import { AppError, type AuditAction } from '@tether/protocol';
import type { AuditFilter } from '@tether/sdk';
import { useEffect, useState, type SyntheticEvent } from 'react';
import { useLoad } from '../../hooks/use-load.js';
import { visibleText } from '../../format/visible-text.js';
import { actionGroups, actionLabel } from './action-labels.js';
import { fromLocalInput, toLocalInput } from './audit-filters.js';

/** Names of users and devices the loaded entries mention (a deleted user is in no list). */
export interface SeenNames {
  users: ReadonlyMap<string, string>;
  devices: ReadonlyMap<string, string>;
}

/** A list the signed-in user may not read is no error here: its picker offers what was seen. */
async function unlessForbidden<T>(load: Promise<T>): Promise<T | undefined> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof AppError && error.code === 'FORBIDDEN') return undefined;
    throw error;
  }
}

/** id → name of the listed ones, plus those seen in entries (the selected one always there). */
function pickerOptions(
  listed: readonly { id: string; name: string }[] | undefined,
  seen: ReadonlyMap<string, string>,
  selected: string | undefined,
): [string, string][] {
  const options = new Map(seen);
  for (const item of listed ?? []) options.set(item.id, item.name);
  if (selected !== undefined && !options.has(selected)) options.set(selected, selected);
  return [...options].sort((a, b) => a[1].localeCompare(b[1]));
}

function ActionPicker({
  selected,
  onChange,
}: {
  selected: readonly AuditAction[];
  onChange: (actions: AuditAction[]) => void;
}) {
  const toggle = (action: AuditAction, isOn: boolean) =>
    onChange(isOn ? [...selected, action] : selected.filter((other) => other !== action));
  const summary =
    selected.length === 0
      ? 'All actions'
      : selected.length === 1 && selected[0]
        ? actionLabel(selected[0])
        : `${selected.length} actions`;
  return (
    <details className="audit-actions" data-testid="audit-filter-actions">
      <summary>{summary}</summary>
      <div className="audit-actions-list">
        {actionGroups().map((group) => (
          <fieldset key={group.area}>
            <legend>{group.area}</legend>
            {group.actions.map((action) => (
              <label key={action} className="checkbox" title={action}>
                <input
                  type="checkbox"
                  checked={selected.includes(action)}
                  onChange={(event) => toggle(action, event.target.checked)}
                  data-testid={`audit-action-${action}`}
                />
                {actionLabel(action)}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
    </details>
  );
}

/**
 * The audit page's filters: user and device pickers, actions, a time range and text. A change
 * applies at once (text on Enter), through `onChange`, which puts it in the URL.
 *
 * @example
 * <AuditFilterBar filter={filter} seen={seen} onChange={(next) => navigate(auditPath(next))} />
 */
export function AuditFilterBar({
  filter,
  seen,
  onChange,
}: {
  filter: AuditFilter;
  seen: SeenNames;
  onChange: (filter: AuditFilter) => void;
}) {
  const [users] = useLoad((api) => unlessForbidden(api.listUsers()), []);
  const [devices] = useLoad((api) => unlessForbidden(api.listDevices()), []);
  const [text, setText] = useState(filter.text ?? '');
  // Back and forward change the URL's text under the field.
  useEffect(() => setText(filter.text ?? ''), [filter.text]);
  const change = (changes: Partial<AuditFilter>) => onChange({ ...filter, ...changes });
  const listedUsers =
    users.state === 'ready'
      ? users.value?.map((user) => ({ id: user.id, name: user.displayName || user.username }))
      : undefined;
  const listedDevices = devices.state === 'ready' ? devices.value : undefined;
  const submitText = (event: SyntheticEvent) => {
    event.preventDefault();
    change({ text: text.trim() || undefined });
  };

  return (
    <form className="audit-filters" onSubmit={submitText} data-testid="audit-filters">
      <label className="field">
        <span>User</span>
        <select
          value={filter.user ?? ''}
          onChange={(event) => change({ user: event.target.value || undefined })}
          data-testid="audit-filter-user"
        >
          <option value="">Everyone</option>
          {pickerOptions(listedUsers, seen.users, filter.user).map(([id, name]) => (
            <option key={id} value={id}>
              {visibleText(name)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Device</span>
        <select
          value={filter.device ?? ''}
          onChange={(event) => change({ device: event.target.value || undefined })}
          data-testid="audit-filter-device"
        >
          <option value="">All devices</option>
          {pickerOptions(listedDevices, seen.devices, filter.device).map(([id, name]) => (
            <option key={id} value={id}>
              {visibleText(name)}
            </option>
          ))}
        </select>
      </label>
      <div className="field">
        <span>Actions</span>
        <ActionPicker
          selected={filter.actions ?? []}
          onChange={(actions) => change({ actions: actions.length > 0 ? actions : undefined })}
        />
      </div>
      <label className="field">
        <span>From</span>
        <input
          type="datetime-local"
          value={toLocalInput(filter.from)}
          onChange={(event) => change({ from: fromLocalInput(event.target.value) })}
          data-testid="audit-filter-from"
        />
      </label>
      <label className="field">
        <span>Until</span>
        <input
          type="datetime-local"
          value={toLocalInput(filter.until)}
          onChange={(event) => change({ until: fromLocalInput(event.target.value) })}
          data-testid="audit-filter-until"
        />
      </label>
      <label className="field">
        <span>Text</span>
        <input
          type="search"
          value={text}
          placeholder="Name, address, detail… ⏎"
          onChange={(event) => setText(event.target.value)}
          onBlur={() => {
            if (text.trim() !== (filter.text ?? '')) change({ text: text.trim() || undefined });
          }}
          data-testid="audit-filter-text"
        />
      </label>
      <div className="audit-filters-end">
        <button
          type="button"
          className="button button-quiet"
          disabled={Object.keys(filter).length === 0}
          onClick={() => {
            setText('');
            onChange({});
          }}
          data-testid="audit-filter-clear"
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}
