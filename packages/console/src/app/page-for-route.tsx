import { AuditPage } from '../features/audit/audit-page.js';
import { ConnectPage } from '../features/unattended/connect-page.js';
import { DesktopPage } from '../features/desktop/desktop-page.js';
import { DevicePage } from '../features/devices/device-page.js';
import { DevicesPage } from '../features/devices/devices-page.js';
import { FilesPage } from '../features/files/files-page.js';
import { InstallersPage } from '../features/installers/installers-page.js';
import { NotFoundPage } from './not-found-page.js';
import { PlayerPage } from '../features/recordings/player-page.js';
import { PoliciesPage } from '../features/policies/policies-page.js';
import { NewPolicyPage, PolicyPage } from '../features/policies/policy-page.js';
import { RecordingsPage } from '../features/recordings/recordings-page.js';
import { SettingsPage } from '../features/settings/settings-page.js';
import { TerminalPage } from '../features/terminal/terminal-page.js';
import type { Route } from '../routing/routes.js';

/**
 * The page component of a signed-in route. Keys on IDs so that moving between two devices
 * starts each page fresh.
 *
 * @example
 * <PageForRoute route={parseRoute(pathname)} />
 */
export function PageForRoute({ route }: { route: Route }) {
  switch (route.page) {
    case 'login':
    case 'devices':
      return <DevicesPage />;
    case 'device':
      return <DevicePage key={route.deviceId} deviceId={route.deviceId} />;
    case 'terminal':
      return <TerminalPage key={route.deviceId} deviceId={route.deviceId} />;
    case 'files':
      return <FilesPage key={route.deviceId} deviceId={route.deviceId} />;
    case 'desktop':
      return <DesktopPage key={route.deviceId} deviceId={route.deviceId} />;
    case 'connect':
      return <ConnectPage />;
    case 'recordings':
      return <RecordingsPage />;
    case 'player':
      return <PlayerPage key={route.recordingId} recordingId={route.recordingId} />;
    case 'installers':
      return <InstallersPage />;
    case 'settings':
      return <SettingsPage />;
    case 'audit':
      return <AuditPage />;
    case 'policies':
      return <PoliciesPage />;
    case 'new-policy':
      return <NewPolicyPage />;
    case 'policy':
      return <PolicyPage key={route.policyId} policyId={route.policyId} />;
    case 'not-found':
      return <NotFoundPage path={route.path} />;
  }
}
