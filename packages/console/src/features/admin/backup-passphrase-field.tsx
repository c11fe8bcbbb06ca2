/**
 * The passphrase a backup was made with, asked to open it (to verify or restore it): never
 * stored, never filled in by the browser.
 *
 * @example
 * <BackupPassphraseField value={passphrase} onChange={setPassphrase} testId="backup-verify-passphrase" />
 */
export function BackupPassphraseField({
  value,
  onChange,
  testId,
}: {
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <label className="field">
      <span>Passphrase of this backup</span>
      <input
        type="password"
        autoComplete="off"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      />
    </label>
  );
}
