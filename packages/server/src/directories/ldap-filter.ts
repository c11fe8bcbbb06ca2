/**
 * Escapes a value for an LDAP search filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL become
 * `\2a`, `\28`, `\29`, `\5c`, `\00`, so a username like `*)(uid=*` matches only itself.
 *
 * @example
 * escapeFilterValue('a*b') // 'a\\2ab'
 */
export function escapeFilterValue(value: string): string {
  return value.replace(
    /[*()\\\0]/g,
    (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * Fills an administrator's filter template: each `{name}` is replaced by the escaped value.
 *
 * @example
 * fillFilter('(sAMAccountName={username})', { username: 'j*' }) // '(sAMAccountName=j\\2a)'
 */
export function fillFilter(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : escapeFilterValue(value);
  });
}
