/**
 * The admin console's root on the admin listener. The same bundle serves both listeners; a
 * location under this path is what puts it in admin mode (the user listener does not serve it).
 */
export const ADMIN_ROOT = '/conf';

/**
 * Whether a location is the admin console's.
 *
 * @example
 * isAdminPath('/conf/trusted-networks') // true
 * isAdminPath('/configuration') // false
 */
export function isAdminPath(pathname: string): boolean {
  return pathname === ADMIN_ROOT || pathname.startsWith(`${ADMIN_ROOT}/`);
}

/**
 * The path of an admin section.
 *
 * @example
 * adminSectionPath('status') // '/conf/status'
 */
export function adminSectionPath(name: string): string {
  return `${ADMIN_ROOT}/${encodeURIComponent(name)}`;
}
