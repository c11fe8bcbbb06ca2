import type { ReactElement } from 'react';
import { StatusSection } from './status-section.js';
import { TrustedNetworksSection } from './trusted-networks-section.js';
import { ProxySection } from './proxy-section.js';
import { KeysSection } from './keys-section.js';
import { DirectoriesSection } from './directories-section.js';
import { SecondFactorSection } from './second-factor-section.js';
import { SsoSection } from './sso-section.js';
import { PortsSection } from './ports-section.js';
import { BackupsSection } from './backups-section.js';
import { TlsSection } from './tls-section.js';
import { NotificationsSection } from './notifications-section.js';
import { PublicUrlSection } from './public-url-section.js';
import { UpgradesSection } from './upgrades-section.js';
import { AdmissionSection } from './admission-section.js';
import { MaintenanceSection } from './maintenance-section.js';
import { NodesSection } from './nodes-section.js';

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

/** Every admin section; each feature adds its own line. The first one is the page at `/conf`. */
export const ADMIN_SECTIONS: readonly AdminSection[] = [
  { name: 'status', label: 'Status', render: () => <StatusSection /> },
  { name: 'trusted-networks', label: 'Trusted networks', render: () => <TrustedNetworksSection /> },
  { name: 'proxy', label: 'Reverse proxy', render: () => <ProxySection /> },
  { name: 'keys', label: 'Server keys', render: () => <KeysSection /> },
  { name: 'directories', label: 'Directories', render: () => <DirectoriesSection /> },
  { name: 'single-sign-on', label: 'Single sign-on', render: () => <SsoSection /> },
  { name: 'second-factor', label: 'Second factor', render: () => <SecondFactorSection /> },
  { name: 'ports', label: 'Ports', render: () => <PortsSection /> },
  { name: 'backups', label: 'Backups', render: () => <BackupsSection /> },
  { name: 'tls', label: 'TLS certificate', render: () => <TlsSection /> },
  { name: 'notifications', label: 'Notifications', render: () => <NotificationsSection /> },
  { name: 'public-url', label: 'Public address', render: () => <PublicUrlSection /> },
  { name: 'upgrades', label: 'Agent upgrades', render: () => <UpgradesSection /> },
  { name: 'admission', label: 'Agent admission', render: () => <AdmissionSection /> },
  { name: 'maintenance', label: 'Maintenance', render: () => <MaintenanceSection /> },
  { name: 'nodes', label: 'Nodes', render: () => <NodesSection /> },
];
