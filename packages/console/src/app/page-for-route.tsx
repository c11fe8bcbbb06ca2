import { AuditPage } from '../pages/audit-page.js';
import { ConnectPage } from '../pages/connect-page.js';
import { DesktopPage } from '../pages/desktop-page.js';
import { DevicePage } from '../pages/device-page.js';
import { DevicesPage } from '../pages/devices-page.js';
import { FilesPage } from '../pages/files-page.js';
import { InstallersPage } from '../pages/installers-page.js';
import { NotFoundPage } from '../pages/not-found-page.js';
import { PlayerPage } from '../pages/player-page.js';
import { PoliciesPage } from '../pages/policies-page.js';
import { NewPolicyPage, PolicyPage } from '../pages/policy-page.js';
import { RecordingsPage } from '../pages/recordings-page.js';
import { SettingsPage } from '../pages/settings-page.js';
import { TerminalPage } from '../pages/terminal-page.js';
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
