import type { ReactNode } from 'react';

/**
 * A labelled checkbox of a form: the label text beside the box, the whole label clickable.
 * `isWide` spans the form's two columns.
 *
 * @example
 * <Checkbox checked={state.hasWindows} onChange={(hasWindows) => change({ ...state, hasWindows })} testId="policy-windows-enabled">
 *   Allow sessions only within access windows
 * </Checkbox>
 */
export function Checkbox({
  checked,
  onChange,
  testId,
  isWide = false,
  children,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
  isWide?: boolean;
  children: ReactNode;
}) {
  return (
    <label className={isWide ? 'checkbox field-wide' : 'checkbox'}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        data-testid={testId}
      />
      {children}
    </label>
  );
}
