import { z } from 'zod';
import {
  AddBuildQuery,
  AgentBuildInfo,
  AgentBuildKey,
  MAX_BUILD_UPLOAD_BYTES,
  StartUpgradeRequest,
  StartUpgradeResponse,
  UpgradeOverview,
  UpgradeSettings,
} from '../api/agent-upgrades.js';
import { UPGRADE_DOWNLOAD_PATH, UpgradeTicket } from '../agent/messages.js';
import { endpoint } from './endpoint.js';

/** Agent upgrades (A-6, S-12): settings and progress on the admin listener, the agents' download. */
export const upgradeEndpoints = {
  overview: endpoint({
    id: 'admin.upgrades.get',
    method: 'GET',
    path: '/conf/api/upgrades',
    summary: 'Read the upgrade settings, the agent builds and each device’s upgrade',
    access: { kind: 'user', permission: 'settings.view' },
    listener: 'admin',
    success: { status: 200, body: UpgradeOverview },
    errors: [],
  }),
  setSettings: endpoint({
    id: 'admin.upgrades.setSettings',
    method: 'PUT',
    path: '/conf/api/upgrades/settings',
    summary: 'Change the upgrade settings',
    description:
      'Mode, target version (a build the server holds), total bandwidth (≤ 100 MiB/s) and concurrent upgrades (≤ 500). Applied at once; `INVALID_INPUT` names what is wrong and nothing is changed then. Saving `once` starts a new cycle.',
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'upgrade settings',
    body: UpgradeSettings,
    success: { status: 200, body: UpgradeSettings },
    errors: ['INVALID_INPUT'],
  }),
  start: endpoint({
    id: 'admin.upgrades.start',
    method: 'POST',
    path: '/conf/api/upgrades/start',
    summary: 'Upgrade devices or a device group now',
    description:
      'Queues the devices whatever the mode; they are offered the build within the concurrency and bandwidth limits, when online.',
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'upgrade',
    body: StartUpgradeRequest,
    success: { status: 200, body: StartUpgradeResponse },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
  addBuild: endpoint({
    id: 'admin.upgrades.addBuild',
    method: 'POST',
    path: '/conf/api/upgrades/builds',
    summary: 'Upload an agent build (another version agents can be upgraded to)',
    description:
      'The body is the `tether-agent.tar.gz` package of any Tether server (or a `.tar.gz` of an unpacked package or install folder: the launcher and one `versions/<version>/`), sent as `application/gzip`, at most 256 MiB. It is streamed to disk, unpacked (regular files and folders only, no path outside the archive, at most 1 GiB), checked (launcher, entry point, a Linux Node runtime of a known architecture) and only then listed. A bad archive is refused with `INVALID_INPUT` and changes nothing; a build of the same version and arch is refused with `CONFLICT` unless `replace=true`.',
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'agent build',
    query: AddBuildQuery,
    upload: { contentType: 'application/gzip', maxBytes: MAX_BUILD_UPLOAD_BYTES },
    success: { status: 201, body: AgentBuildInfo },
    errors: ['INVALID_INPUT', 'CONFLICT'],
  }),
  removeBuild: endpoint({
    id: 'admin.upgrades.removeBuild',
    method: 'DELETE',
    path: '/conf/api/upgrades/builds/:version/:arch',
    summary: 'Delete an uploaded agent build',
    description:
      'The server’s own build cannot be deleted, nor the build the settings target (`CONFLICT`: choose another target first). Upgrades already downloading it finish.',
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'agent build',
    params: AgentBuildKey,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND', 'CONFLICT'],
  }),
  download: endpoint({
    id: 'agent.upgrades.download',
    method: 'GET',
    path: `${UPGRADE_DOWNLOAD_PATH}/:ticket`,
    summary: 'Download an offered agent build (agents only)',
    description:
      'The build body of an `upgrade.offer`, named by the one-time ticket the offer carried over the device’s authenticated control channel; sent within the upgrade bandwidth limit. The agent verifies it against the signed manifest of the offer.',
    access: { kind: 'public' },
    params: z.object({ ticket: UpgradeTicket }),
    success: { status: 200, body: undefined, contentType: 'application/gzip' },
    errors: ['NOT_FOUND'],
  }),
};
