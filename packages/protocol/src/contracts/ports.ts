import { PortSettings, PortsStatus } from '../api/ports.js';
import { endpoint } from './endpoint.js';

/** The server's ports (S-4), on the admin listener. */
export const portEndpoints = {
  get: endpoint({
    id: 'admin.ports.get',
    method: 'GET',
    path: '/conf/api/ports',
    summary: "Read the listeners' ports and state",
    description:
      'Each listener (HTTPS, HTTP redirect, admin) with the port asked for, the port bound or why it could not be bound, and the ports saved for the next start.',
    access: { kind: 'user', permission: 'settings.view' },
    listener: 'admin',
    success: { status: 200, body: PortsStatus },
    errors: [],
  }),
  set: endpoint({
    id: 'admin.ports.set',
    method: 'PUT',
    path: '/conf/api/ports',
    summary: 'Save the ports for the next start',
    description:
      "Ports from 1 to 65535, one per listener; `http: null` turns the HTTP redirect off. They replace the config file's ports when the server restarts (a flag or `TETHER_*` variable still wins). Audited as `settings.changed`.",
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'ports',
    body: PortSettings,
    success: { status: 200, body: PortsStatus },
    errors: ['INVALID_INPUT'],
  }),
};
