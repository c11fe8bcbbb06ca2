import {
  deviceLifecycleEndpoints,
  type BulkDeviceAction,
  type BulkDeviceReply,
  type BulkDeviceRequest,
} from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { GroupSelect } from '../device-groups/group-select.js';
import { parseTags } from './device-manage.js';

/** Props of {@link DeviceBulkActions}. */
export interface DeviceBulkActionsProps {
  /** The selected devices. */
  deviceIds: readonly string[];
  /** Called after an action ran (the list reloads, the selection clears). */
  onDone: () => void;
}

const ACTIONS: readonly { action: BulkDeviceAction; label: string }[] = [
  { action: 'move', label: 'Move to group' },
  { action: 'tag', label: 'Add tags' },
  { action: 'untag', label: 'Remove tags' },
  { action: 'upgrade', label: 'Upgrade agent' },
  { action: 'wake', label: 'Wake' },
  { action: 'delete', label: 'Delete' },
];

function plural(count: number): string {
  return `${count} device${count === 1 ? '' : 's'}`;
}

/** "3 devices done; 1 not: Device … : You have no …", the per-device outcome in one line. */
function summary(reply: BulkDeviceReply): string {
  const failed = reply.results.filter((result) => !result.ok);
  const done = reply.results.length - failed.length;
  if (failed.length === 0) return `${plural(done)} done.`;
  const reasons = [...new Set(failed.map((result) => result.error?.message ?? 'failed'))];
  return `${plural(done)} done; ${plural(failed.length)} not: ${reasons.join(' ')}`;
}

/**
 * Actions on the devices selected in the list (issue 15): move, tag, untag, upgrade, wake,
 * delete (after a confirmation). Each device is done or refused on its own; the outcome is
 * summed up in one line, and the list reloads.
 *
 * JOINT: the device list (helper "devlist") mounts it above the table with its selection.
 *
 * @example
 * <DeviceBulkActions deviceIds={[...selected]} onDone={() => { setSelected(new Set()); reload(); }} />
 */
export function DeviceBulkActions({ deviceIds, onDone }: DeviceBulkActionsProps) {
  const { can } = useConsole();
  const [action, setAction] = useState<BulkDeviceAction>('move');
  const [group, setGroup] = useState('');
  const [tags, setTags] = useState('');
  const [outcome, setOutcome] = useState<BulkDeviceReply | null>(null);
  const request: BulkDeviceRequest = {
    action,
    deviceIds: [...deviceIds],
    ...(action === 'move' && { group }),
    ...((action === 'tag' || action === 'untag') && { tags: parseTags(tags) }),
  };
  const apply = useAction((api) => api.call(deviceLifecycleEndpoints.bulk, { body: request }), {
    onDone: (reply) => {
      setOutcome(reply);
      onDone();
    },
  });
  if (!can('installers.manage')) return null;
  // The selection clears once an action ran: its outcome stays until dismissed.
  const outcomeNotice = outcome && (
    <Notice
      kind={outcome.results.every((result) => result.ok) ? 'success' : 'error'}
      onDismiss={() => setOutcome(null)}
    >
      <span data-testid="device-bulk-outcome">{summary(outcome)}</span>
    </Notice>
  );
  if (deviceIds.length === 0) return outcomeNotice;
  const isIncomplete =
    (action === 'move' && group === '') ||
    ((action === 'tag' || action === 'untag') && parseTags(tags).length === 0);
  const onSubmit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const question = `Delete ${plural(deviceIds.length)}? Their agents uninstall themselves; this cannot be undone.`;
    if (action !== 'delete' || window.confirm(question)) apply.run();
  };
  return (
    <form className="bulk-actions" onSubmit={onSubmit} data-testid="device-bulk-actions">
      <strong>{plural(deviceIds.length)} selected</strong>{' '}
      <select
        value={action}
        onChange={(event) => setAction(event.target.value as BulkDeviceAction)}
        aria-label="Action"
        data-testid="device-bulk-action"
      >
        {ACTIONS.map((choice) => (
          <option key={choice.action} value={choice.action}>
            {choice.label}
          </option>
        ))}
      </select>{' '}
      {action === 'move' && (
        <GroupSelect
          value={group}
          onChange={setGroup}
          label="Group"
          placeholder="Choose a group"
          testId="device-bulk-group"
        />
      )}
      {(action === 'tag' || action === 'untag') && (
        <input
          value={tags}
          onChange={(event) => setTags(event.target.value)}
          placeholder="tag, another tag"
          aria-label="Tags"
          data-testid="device-bulk-tags"
        />
      )}{' '}
      <button
        type="submit"
        className={action === 'delete' ? 'button button-danger' : 'button button-primary'}
        disabled={apply.isRunning || isIncomplete}
        data-testid="device-bulk-apply"
      >
        Apply
      </button>
      {apply.error && (
        <Notice kind="error" onDismiss={apply.clearError}>
          {apply.error}
        </Notice>
      )}
      {outcomeNotice}
    </form>
  );
}
