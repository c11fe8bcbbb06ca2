import type { Permission } from '@tether/protocol';
import type { ReactElement } from 'react';
import { AccountPage } from '../features/account/account-page.js';
import { ApiReferencePage } from '../features/api-reference/api-reference-page.js';
import { AuditPage } from '../features/audit/audit-page.js';
import { DesktopPage } from '../features/desktop/desktop-page.js';
import { DeviceGroupsPage } from '../features/device-groups/device-groups-page.js';
import { DevicePage } from '../features/devices/device-page.js';
import { DevicesPage } from '../features/devices/devices-page.js';
import { FilesPage } from '../features/files/files-page.js';
import { InstallersPage } from '../features/installers/installers-page.js';
import { NewPolicyPage, PolicyPage } from '../features/policies/policy-page.js';
import { PoliciesPage } from '../features/policies/policies-page.js';
import { PlayerPage } from '../features/recordings/player-page.js';
import { RecordingsPage } from '../features/recordings/recordings-page.js';
import { SettingsPage } from '../features/settings/settings-page.js';
import { TerminalPage } from '../features/terminal/terminal-page.js';
import { ConnectPage } from '../features/unattended/connect-page.js';
import { InvitationPage } from '../features/sessions/join-invitation.js';
import { AdhocSessionsPage } from '../features/sessions/adhoc-sessions-page.js';
import { UsersPage } from '../features/users/users-page.js';
import { RolesPage } from '../features/roles/roles-page.js';
import { TeamsPage } from '../features/teams/teams-page.js';
import { matchPath, normalizePath, type PathParams } from '../routing/match-path.js';
import { NotFoundPage } from './not-found-page.js';

/** The nav bar's sections; every page names the one it is highlighted under. */
export type Section =
  | 'devices'
  | 'recordings'
  | 'installers'
  | 'adhoc'
  | 'groups'
  | 'policies'
  | 'users'
  | 'settings'
  | 'audit'
  | 'api-reference';

/** One page of the signed-in console. */
export interface ConsoleRoute {
  /** Stable name, also the page's CSS class (`page-<name>`). */
  readonly name: string;
  /** History API path; a `:name` segment is one path segment, handed to the page decoded. */
  readonly path: string;
  /** The browser tab's title. */
  readonly title: string;
  readonly section?: Section;
  /** Set on the one page a section's nav entry opens: its label. */
  readonly nav?: string;
  /** What the page needs; its nav entry is shown only to roles that have it. */
  readonly permission?: Permission;
  readonly render: (params: Readonly<Record<string, string>>) => ReactElement;
}

/**
 * Defines a route whose page receives the pattern's params, typed by their names.
 *
 * @example
 * route({ name: 'device', path: '/devices/:deviceId', title: 'Device', render: ({ deviceId }) => … })
 */
function route<Path extends string>(
  definition: Omit<ConsoleRoute, 'render' | 'path'> & {
    path: Path;
    render: (params: PathParams<Path>) => ReactElement;
  },
): ConsoleRoute {
  // matchPath yields exactly the pattern's `:name` segments, so the params have those names.
  return definition as unknown as ConsoleRoute;
}

/** The default page, also shown for `/`. */
export const HOME_PATH = '/devices';

/**
 * Every signed-in page, in match order (`/policies/new` before `/policies/:policyId`), and in
 * nav order for the pages that have a nav entry.
 */
export const ROUTES: readonly ConsoleRoute[] = [
  route({
    name: 'devices',
    path: '/devices',
    title: 'Devices',
    section: 'devices',
    nav: 'Devices',
    permission: 'devices.view',
    render: () => <DevicesPage />,
  }),
  // Signed in, the sign-in path shows the devices while the shell moves on to them.
  route({ name: 'login', path: '/login', title: 'Devices', render: () => <DevicesPage /> }),
  route({
    name: 'device',
    path: '/devices/:deviceId',
    title: 'Device',
    section: 'devices',
    permission: 'devices.view',
    render: ({ deviceId }) => <DevicePage deviceId={deviceId} />,
  }),
  route({
    name: 'terminal',
    path: '/devices/:deviceId/terminal',
    title: 'Terminal',
    section: 'devices',
    permission: 'sessions.open',
    render: ({ deviceId }) => <TerminalPage deviceId={deviceId} />,
  }),
  route({
    name: 'files',
    path: '/devices/:deviceId/files',
    title: 'Files',
    section: 'devices',
    permission: 'sessions.open',
    render: ({ deviceId }) => <FilesPage deviceId={deviceId} />,
  }),
  route({
    name: 'desktop',
    path: '/devices/:deviceId/desktop',
    title: 'Remote desktop',
    section: 'devices',
    permission: 'sessions.open',
    render: ({ deviceId }) => <DesktopPage deviceId={deviceId} />,
  }),
  route({
    name: 'invitation',
    path: '/invitations/:invitationId',
    title: 'Shared session',
    section: 'devices',
    permission: 'sessions.open',
    render: ({ invitationId }) => <InvitationPage invitationId={invitationId} />,
  }),
  route({
    name: 'connect',
    path: '/connect',
    title: 'Connect with an access',
    permission: 'sessions.open',
    render: () => <ConnectPage />,
  }),
  route({
    name: 'recordings',
    path: '/recordings',
    title: 'Recordings',
    section: 'recordings',
    nav: 'Recordings',
    permission: 'recordings.view',
    render: () => <RecordingsPage />,
  }),
  route({
    name: 'player',
    path: '/recordings/:recordingId',
    title: 'Recording',
    section: 'recordings',
    permission: 'recordings.view',
    render: ({ recordingId }) => <PlayerPage recordingId={recordingId} />,
  }),
  route({
    name: 'installers',
    path: '/installers',
    title: 'Installers',
    section: 'installers',
    nav: 'Installers',
    permission: 'installers.view',
    render: () => <InstallersPage />,
  }),
  route({
    name: 'adhoc-sessions',
    path: '/adhoc-sessions',
    title: 'Ad-hoc sessions',
    section: 'adhoc',
    nav: 'Ad-hoc',
    permission: 'sessions.open',
    render: () => <AdhocSessionsPage />,
  }),
  route({
    name: 'device-groups',
    path: '/device-groups',
    title: 'Device groups',
    section: 'groups',
    nav: 'Groups',
    permission: 'groups.manage',
    render: () => <DeviceGroupsPage />,
  }),
  route({
    name: 'policies',
    path: '/policies',
    title: 'Policies',
    section: 'policies',
    nav: 'Policies',
    permission: 'policies.view',
    render: () => <PoliciesPage />,
  }),
  route({
    name: 'new-policy',
    path: '/policies/new',
    title: 'New policy',
    section: 'policies',
    permission: 'policies.manage',
    render: () => <NewPolicyPage />,
  }),
  route({
    name: 'policy',
    path: '/policies/:policyId',
    title: 'Policy',
    section: 'policies',
    permission: 'policies.view',
    render: ({ policyId }) => <PolicyPage policyId={policyId} />,
  }),
  route({
    name: 'users',
    path: '/users',
    title: 'Users',
    section: 'users',
    nav: 'Users',
    permission: 'users.manage',
    render: () => <UsersPage />,
  }),
  route({
    name: 'roles',
    path: '/roles',
    title: 'Roles',
    // Reached from the Users page: the nav bar has no room to spare on a phone.
    section: 'users',
    permission: 'users.manage',
    render: () => <RolesPage />,
  }),
  route({
    name: 'teams',
    path: '/teams',
    title: 'Teams',
    // Reached from the Users page, like Roles.
    section: 'users',
    permission: 'users.manage',
    render: () => <TeamsPage />,
  }),
  route({
    name: 'settings',
    path: '/settings',
    title: 'Settings',
    section: 'settings',
    nav: 'Settings',
    permission: 'settings.view',
    render: () => <SettingsPage />,
  }),
  route({
    name: 'audit',
    path: '/audit',
    title: 'Audit log',
    section: 'audit',
    nav: 'Audit log',
    permission: 'audit.read',
    render: () => <AuditPage />,
  }),
  route({
    name: 'api-reference',
    path: '/api-reference',
    title: 'API reference',
    section: 'api-reference',
    nav: 'API reference',
    permission: 'console.use',
    render: () => <ApiReferencePage />,
  }),
  route({
    name: 'account',
    path: '/account',
    title: 'My account',
    permission: 'console.use',
    render: () => <AccountPage />,
  }),
];

const NOT_FOUND: ConsoleRoute = route({
  name: 'not-found',
  path: '/:path',
  title: 'Page not found',
  render: ({ path }) => <NotFoundPage path={path} />,
});

/** A location resolved to its route and the params its page receives. */
export interface ResolvedRoute {
  route: ConsoleRoute;
  params: Readonly<Record<string, string>>;
  /** The path without trailing slashes: the page starts fresh when it changes. */
  path: string;
}

/**
 * The route of a location path; unknown and malformed paths resolve to "not found".
 *
 * @example
 * resolveRoute('/devices/0b6f…/terminal').route.name // 'terminal'
 */
export function resolveRoute(pathname: string): ResolvedRoute {
  const path = normalizePath(pathname) === '/' ? HOME_PATH : normalizePath(pathname);
  for (const candidate of ROUTES) {
    const params = matchPath(candidate.path, path);
    if (params) return { route: candidate, params, path };
  }
  return { route: NOT_FOUND, params: { path }, path };
}
