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
