import type { Device } from '@tether/protocol';
import { useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { GroupSelect } from './group-select.js';

/**
 * "Move…" beside a device's group (administrators): picks another existing group. The device
 * then follows that group's policies; moving devices out is how a group is emptied to delete it.
 *
 * @example
 * <MoveDevice device={device} onMoved={reload} />
 */
export function MoveDevice({ device, onMoved }: { device: Device; onMoved: () => void }) {
  const { can } = useConsole();
  const [isOpen, setOpen] = useState(false);
  const [group, setGroup] = useState(device.group);
  const move = useAction((api) => api.moveDevice(device.id, { group }), {
    onDone: () => {
      setOpen(false);
      onMoved();
    },
  });
  if (!can('groups.manage')) return null;
  if (!isOpen)
    return (
      <button
        type="button"
        className="button-link"
        onClick={() => setOpen(true)}
        data-testid="device-move"
      >
        Move…
      </button>
    );
  return (
    <div data-testid="device-move-form">
      <GroupSelect value={group} onChange={setGroup} label="Move to" testId="device-move-group" />
      {move.error && (
        <Notice kind="error" onDismiss={move.clearError}>
          {move.error}
        </Notice>
      )}
      <button
        type="button"
        className="button button-small button-primary"
        disabled={move.isRunning || group === device.group}
        onClick={() => move.run()}
        data-testid="device-move-save"
      >
        Move
      </button>{' '}
      <button type="button" className="button button-small" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </div>
  );
}
