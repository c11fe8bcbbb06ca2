import type { DirectoryView } from '@tether/protocol';
import { Checkbox } from '../../components/checkbox.js';
import { LDAP_PRESETS } from './directory-draft.js';
import { SecretField, TextField, type DirectoryFieldsProps } from './text-field.js';

type Ldap = Extract<DirectoryView, { type: 'ldap' }>;

/**
 * The connection and search fields of an LDAP / Active Directory directory.
 *
 * @example
 * <LdapFields view={view} onChange={setView} secret={secret} onSecret={setSecret} />
 */
export function LdapFields(props: DirectoryFieldsProps<Ldap>) {
  const { view, onChange, secret, onSecret } = props;
  const set = (change: Partial<Ldap>) => onChange({ ...view, ...change });
  const optional = (value: string) => (value.trim() === '' ? undefined : value);
  return (
    <>
      <TextField
        label="Server URLs (one a line, tried in order)"
        rows={2}
        value={view.urls.join('\n')}
        onChange={(text) => set({ urls: text.split('\n').filter((url) => url.trim() !== '') })}
        hint="ldaps://host:636, or ldap://host:389 with StartTLS."
        testId="ldap-urls"
      />
      <div className="field">
        <Checkbox
          checked={view.startTls}
          onChange={(startTls) => set({ startTls })}
          testId="ldap-starttls"
        >
          StartTLS on ldap:// URLs
        </Checkbox>
        <Checkbox
          checked={view.verifyCertificate}
          onChange={(verifyCertificate) => set({ verifyCertificate })}
          testId="ldap-verify"
        >
          Verify the server&apos;s certificate
        </Checkbox>
      </div>
      <TextField
        label="CA certificate (PEM, optional)"
        rows={3}
        wide
        value={view.caCertificate ?? ''}
        onChange={(text) => set({ caCertificate: optional(text) })}
        hint="The CA that signed the servers' certificates; the system's CAs when empty."
        testId="ldap-ca"
      />
      <TextField
        label="Service bind DN"
        value={view.bindDn ?? ''}
        onChange={(text) => set({ bindDn: optional(text) })}
        hint="Searches for users; anonymous when empty."
        testId="ldap-bind-dn"
      />
      <SecretField
        label="Service password"
        isSet={view.bindPasswordSet}
        value={secret}
        onChange={onSecret}
        testId="ldap-bind-password"
      />
      <TextField
        label="User search base"
        value={view.userBase}
        onChange={(userBase) => set({ userBase })}
        testId="ldap-user-base"
      />
      <TextField
        label="User filter"
        value={view.userFilter}
        onChange={(userFilter) => set({ userFilter })}
        hint="{username} is the escaped username."
        testId="ldap-user-filter"
      />
      <div className="field">
        <span>Presets</span>
        <div>
          <button type="button" className="button" onClick={() => set(LDAP_PRESETS.openldap)}>
            OpenLDAP
          </button>{' '}
          <button
            type="button"
            className="button"
            onClick={() => set(LDAP_PRESETS.activeDirectory)}
            data-testid="ldap-preset-ad"
          >
            Active Directory
          </button>
        </div>
      </div>
      <TextField
        label="Display name attribute"
        value={view.displayNameAttribute}
        onChange={(displayNameAttribute) => set({ displayNameAttribute })}
        testId="ldap-display-name"
      />
      <TextField
        label="Group membership attribute"
        value={view.groupAttribute}
        onChange={(groupAttribute) => set({ groupAttribute })}
        hint="On the user's entry (memberOf); empty: not read."
        testId="ldap-group-attribute"
      />
      <TextField
        label="Group search base (optional)"
        value={view.groupBase ?? ''}
        onChange={(text) => set({ groupBase: optional(text) })}
        testId="ldap-group-base"
      />
      <TextField
        label="Group filter"
        value={view.groupFilter}
        onChange={(groupFilter) => set({ groupFilter })}
        hint="{dn} is the user's DN."
        testId="ldap-group-filter"
      />
      <TextField
        label="Disabled filter (optional)"
        value={view.disabledFilter ?? ''}
        onChange={(text) => set({ disabledFilter: optional(text) })}
        hint="An entry matching it cannot sign in."
        testId="ldap-disabled-filter"
      />
    </>
  );
}
