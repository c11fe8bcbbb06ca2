import { DEVICE_RIGHTS, type DeviceRight } from '@tether/protocol';

/** What each right lets a user do on the devices of a group, as the console says it. */
export const RIGHT_LABELS: Readonly<Record<DeviceRight, string>> = {
  'device.view': 'View devices',
  terminal: 'Terminal',
  'desktop.view': 'Desktop (view)',
  'desktop.control': 'Desktop (control)',
  files: 'Files',
  unattended: 'Unattended access',
  recordings: 'Recordings',
  'devices.manage': 'Manage devices',
  'policies.manage': 'Manage policies',
};

/**
 * A checkbox per device right.
 *
 * @example
 * <RightsFields value={rights} onChange={setRights} testId="grant-rights" />
 */
export function RightsFields({
  value,
  onChange,
  testId,
}: {
  value: readonly DeviceRight[];
  onChange: (rights: DeviceRight[]) => void;
  testId: string;
}) {
  const toggle = (right: DeviceRight, isOn: boolean): void =>
    onChange(DEVICE_RIGHTS.filter((each) => (each === right ? isOn : value.includes(each))));
  return (
    <fieldset className="rights-fields" aria-label="Rights" data-testid={testId}>
      {DEVICE_RIGHTS.map((right) => (
        <label key={right} className="checkbox small">
          <input
            type="checkbox"
            checked={value.includes(right)}
            onChange={(event) => toggle(right, event.target.checked)}
            data-right={right}
          />
          <span>{RIGHT_LABELS[right]}</span>
        </label>
      ))}
    </fieldset>
  );
}
