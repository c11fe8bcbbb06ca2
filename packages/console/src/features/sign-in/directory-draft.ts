import type { DirectoryInput, DirectoryView } from '@tether/protocol';

/** A directory being edited: its view, plus a new secret when one was typed. */
export interface DirectoryDraft {
  view: DirectoryView;
  /** A new bind password / shared secret; empty keeps the stored one. */
  secret: string;
}

/** What `PUT /conf/api/directories` takes for a directory: the secret only when a new one was typed. */
export function toDirectoryInput({ view, secret }: DirectoryDraft): DirectoryInput {
  // Whether a secret is set is shown, never sent.
  if (view.type === 'ldap')
    return { ...without(view, 'bindPasswordSet'), ...(secret !== '' && { bindPassword: secret }) };
  return { ...without(view, 'secretSet'), ...(secret !== '' && { secret }) };
}

/** A copy of `value` without `key`. */
export function without<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  return Object.fromEntries(Object.entries(value).filter(([name]) => name !== key)) as Omit<T, K>;
}

/** Presets of the user search, so an administrator does not have to know the filters. */
export const LDAP_PRESETS = {
  openldap: {
    userFilter: '(uid={username})',
    displayNameAttribute: 'cn',
    groupAttribute: 'memberOf',
    disabledFilter: '(pwdAccountLockedTime=*)',
  },
  activeDirectory: {
    userFilter: '(sAMAccountName={username})',
    displayNameAttribute: 'displayName',
    groupAttribute: 'memberOf',
    disabledFilter: '(userAccountControl:1.2.840.113556.1.4.803:=2)',
  },
} as const;

/** A new directory of a kind, with the defaults the server would give. */
export function newDirectory(type: 'ldap' | 'radius', taken: readonly string[]): DirectoryView {
  let index = 1;
  while (taken.includes(`${type}-${index}`)) index += 1;
  const common = {
    id: `${type}-${index}`,
    enabled: true,
    timeoutSec: type === 'ldap' ? 10 : 5,
    mapping: { rules: [] },
  };
  if (type === 'ldap')
    return {
      ...common,
      ...LDAP_PRESETS.openldap,
      type,
      name: 'LDAP',
      urls: ['ldaps://ldap.example.com'],
      startTls: false,
      verifyCertificate: true,
      userBase: 'ou=people,dc=example,dc=com',
      groupFilter: '(member={dn})',
      bindPasswordSet: false,
    };
  return {
    ...common,
    type,
    name: 'RADIUS',
    servers: [{ host: 'radius.example.com', port: 1812 }],
    retries: 2,
    nasIdentifier: 'tether',
    groupAttribute: 'Class',
    secretSet: false,
  };
}
