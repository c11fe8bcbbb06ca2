import { AssistanceMode } from '@tether/protocol';

const labels: Record<AssistanceMode, string> = {
  interactive: 'Interactive (the user accepts)',
  unattended: 'Unattended',
  dynamic: 'Dynamic (interactive if a user is logged in)',
};

/**
 * The three assistance actions of a device (M-1…M-3) as one choice applied to the session
 * buttons beside it. Every mode is listed even when the group allows fewer: the server refuses
 * the others with a message saying which one to use.
 *
 * @example
 * <AssistanceModePicker value={mode} onChange={setMode} />
 */
export function AssistanceModePicker({
  value,
  onChange,
}: {
  value: AssistanceMode | undefined;
  onChange: (mode: AssistanceMode | undefined) => void;
}) {
  return (
    <label className="small">
      Assistance{' '}
      <select
        value={value ?? ''}
        onChange={(event) => {
          const parsed = AssistanceMode.safeParse(event.target.value);
          onChange(parsed.success ? parsed.data : undefined);
        }}
        data-testid="assistance-mode"
      >
        <option value="">As the device&apos;s policy says</option>
        {AssistanceMode.options.map((mode) => (
          <option key={mode} value={mode}>
            {labels[mode]}
          </option>
        ))}
      </select>
    </label>
  );
}
