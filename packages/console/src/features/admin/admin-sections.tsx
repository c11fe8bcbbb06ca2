import type { ReactElement } from 'react';
import { NotificationsSection } from './notifications-section.js';

/**
 * One editor of the admin console at `/conf` (S-2): status, ports, TLS, keys, notifications,
 * backups, proxies, sign-in. The admin console lists them in this order.
 */
export interface AdminSection {
  /** Stable name, also the page's CSS class (`admin-<name>`) and its path `/conf/<name>`. */
  readonly name: string;
  /** The nav entry and the page heading. */
  readonly label: string;
  readonly render: () => ReactElement;
}

/** Every admin section; each feature adds its own line. */
export const ADMIN_SECTIONS: readonly AdminSection[] = [
  { name: 'notifications', label: 'Notifications', render: () => <NotificationsSection /> },
];
