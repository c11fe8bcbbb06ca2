import { maintenanceEndpoints, type MaintenanceSettings } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Checkbox } from '../../components/checkbox.js';
import { Loaded } from '../../components/loaded.js';
import { SaveFooter } from '../../components/save-footer.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

/** A threshold as typed: empty is "never"; the server checks the range and says what is wrong. */
function daysFrom(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}

function textOf(days: number | null): string {
  return days === null ? '' : String(days);
}

function DaysField({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <label className="field field-narrow">
      <span>{label}</span>
      <input
        type="number"
        min={15}
        max={3650}
        step={1}
        placeholder="never"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      />
    </label>
  );
}

function MaintenanceForm({ initial }: { initial: MaintenanceSettings }) {
  const { can } = useConsole();
  const [lost, setLost] = useState(textOf(initial.lostAfterDays));
  const [remove, setRemove] = useState(textOf(initial.deleteAfterDays));
  const [onLocalUninstall, setOnLocalUninstall] = useState(initial.onLocalUninstall);
  const [isRestricted, setRestricted] = useState(initial.restrictLocalUninstall);
  const [confirmation, setConfirmation] = useState<string | null>(null);
  const edited =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      setConfirmation(null);
      set(value);
    };
  const save = useAction(
    (api) =>
      api.call(maintenanceEndpoints.set, {
        body: {
          lostAfterDays: daysFrom(lost),
          deleteAfterDays: daysFrom(remove),
          onLocalUninstall,
          restrictLocalUninstall: isRestricted,
        },
      }),
    {
      onDone: (saved) => {
        setLost(textOf(saved.lostAfterDays));
        setRemove(textOf(saved.deleteAfterDays));
        setConfirmation('Saved. Connected agents have their new deletion deadline.');
      },
    },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  return (
    <form className="card" onSubmit={onSubmit} data-testid="maintenance-form">
      <p className="muted">
        A device offline for the lost threshold is flagged <strong>lost</strong> in the device list
        and administrators are notified (the “agent lost” notification). Past the delete threshold
        it is deleted, and its agent uninstalls itself: the agent knows its deadline and acts on it
        even if it never reaches the server again. Both are whole days from 15, lost before delete;
        leave a field empty for never. A device’s own maximum offline time (set by its installer;
        ephemeral agents: 5 minutes) replaces the delete threshold.
      </p>
      <DaysField
        label="Flag lost after (days offline)"
        value={lost}
        onChange={edited(setLost)}
        testId="maintenance-lost-days"
      />
      <DaysField
        label="Delete after (days offline)"
        value={remove}
        onChange={edited(setRemove)}
        testId="maintenance-delete-days"
      />
      <label className="field">
        <span>When an agent is uninstalled on the device</span>
        <select
          value={onLocalUninstall}
          onChange={(event) =>
            edited(setOnLocalUninstall)(event.target.value === 'remove' ? 'remove' : 'mark')
          }
          data-testid="maintenance-on-local-uninstall"
        >
          <option value="mark">Mark the device uninstalled</option>
          <option value="remove">Remove the device</option>
        </select>
      </label>
      <Checkbox
        checked={isRestricted}
        onChange={edited(setRestricted)}
        testId="maintenance-restrict-uninstall"
        isWide
      >
        Only root on the device may uninstall the agent (<code>tether-agent uninstall</code>)
      </Checkbox>
      <SaveFooter
        save={save}
        confirmation={confirmation}
        mayChange={can('settings.manage')}
        testId="maintenance-save"
      />
    </form>
  );
}

/**
 * The admin console's fleet maintenance editor: lost and delete thresholds, what a
 * local uninstall does to the device, and who may uninstall on the device.
 *
 * @example
 * ADMIN_SECTIONS: { name: 'maintenance', label: 'Maintenance', render: () => <MaintenanceSection /> }
 */
export function MaintenanceSection() {
  const [settings, reload] = useLoad((api) => api.call(maintenanceEndpoints.get, {}), []);
  return (
    <Loaded load={settings} onRetry={reload}>
      {(value) => <MaintenanceForm initial={value} />}
    </Loaded>
  );
}
