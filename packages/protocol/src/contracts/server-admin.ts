import { ServerStatus, TrustedNetworks } from '../api/server-status.js';
import { endpoint } from './endpoint.js';

/** The admin console's status page (S-2): served on the admin listener only. */
export const serverStatusEndpoints = {
  get: endpoint({
    id: 'serverStatus.get',
    method: 'GET',
    path: '/conf/api/status',
    summary: 'Server status',
    description:
      'Version, running since, database, devices online, active sessions, free space of the data directory, public URL and listeners.',
    access: { kind: 'user', permission: 'settings.view' },
    listener: 'admin',
    success: { status: 200, body: ServerStatus },
    errors: [],
  }),
};

/** Who may reach the admin listener besides localhost (S-2). */
export const trustedNetworkEndpoints = {
  get: endpoint({
    id: 'trustedNetworks.get',
    method: 'GET',
    path: '/conf/api/trusted-networks',
    summary: 'List the trusted networks',
    description:
      'The addresses and subnets, besides localhost, from which the admin listener answers.',
    access: { kind: 'user', permission: 'settings.view' },
    listener: 'admin',
    success: { status: 200, body: TrustedNetworks },
    errors: [],
  }),
  set: endpoint({
    id: 'trustedNetworks.set',
    method: 'PUT',
    path: '/conf/api/trusted-networks',
    summary: 'Replace the trusted networks',
    description:
      "Replaces the whole list (duplicates and blanks are dropped) and applies it at once. An entry that is not an IP address or CIDR subnet is `INVALID_INPUT` naming it, and nothing changes; so is a list that leaves out the caller's own address (it would lock them out) unless they call from the server itself. Audited as `settings.changed` (target `admin.trustedNetworks`). Localhost is always allowed, so an empty list cannot lock the administrator out of the server itself.",
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'trusted networks',
    body: TrustedNetworks,
    success: { status: 200, body: TrustedNetworks },
    errors: [],
  }),
};
