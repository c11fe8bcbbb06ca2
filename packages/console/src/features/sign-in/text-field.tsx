interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  hint?: string;
  placeholder?: string;
  type?: 'text' | 'password' | 'number';
  /** Several lines (URLs, certificates). */
  rows?: number;
  wide?: boolean;
}

/**
 * One labelled input of the directory form.
 *
 * @example
 * <TextField label="Bind DN" value={dn} onChange={setDn} testId="ldap-bind-dn" />
 */
export function TextField(props: TextFieldProps) {
  const { label, value, onChange, testId, hint, placeholder, type = 'text', rows, wide } = props;
  return (
    <label className={wide ? 'field field-wide' : 'field'}>
      <span>{label}</span>
      {rows ? (
        <textarea
          rows={rows}
          value={value}
          placeholder={placeholder}
          onChange={(event) => onChange(event.target.value)}
          data-testid={testId}
        />
      ) : (
        <input
          type={type}
          value={value}
          placeholder={placeholder}
          autoComplete={type === 'password' ? 'new-password' : 'off'}
          onChange={(event) => onChange(event.target.value)}
          data-testid={testId}
        />
      )}
      {hint && <small className="muted">{hint}</small>}
    </label>
  );
}

/**
 * What the field forms of a directory kind (LDAP, RADIUS) get: the directory being edited, and
 * its secret (bind password, shared secret), which is write-only.
 */
export interface DirectoryFieldsProps<View> {
  view: View;
  onChange: (view: View) => void;
  secret: string;
  onSecret: (secret: string) => void;
}

/**
 * A write-only secret of a directory: empty keeps the stored one.
 *
 * @example
 * <SecretField label="Shared secret" isSet={view.secretSet} value={secret} onChange={setSecret} testId="radius-secret" />
 */
export function SecretField(props: {
  label: string;
  isSet: boolean;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  const { isSet, ...field } = props;
  return (
    <TextField
      {...field}
      type="password"
      placeholder={isSet ? 'Set — leave empty to keep' : 'Not set'}
    />
  );
}
