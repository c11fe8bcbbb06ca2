import { ProxySettings } from '../api/proxy.js';
import { endpoint } from './endpoint.js';

/** Reverse-proxy settings (S-11) on the admin listener. */
export const proxyEndpoints = {
  get: endpoint({
    id: 'admin.proxy.get',
    method: 'GET',
    path: '/conf/api/proxy',
    summary: 'Read the reverse-proxy settings',
    access: { kind: 'user', permission: 'settings.view' },
    listener: 'admin',
    success: { status: 200, body: ProxySettings },
    errors: [],
  }),
  set: endpoint({
    id: 'admin.proxy.set',
    method: 'PUT',
    path: '/conf/api/proxy',
    summary: 'Change the reverse-proxy settings',
    description:
      'Applied at once: forwarded headers to the next request, the agents’ proof mode to their next connection. `INVALID_INPUT` names a bad address; nothing is changed then.',
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'proxy settings',
    body: ProxySettings,
    success: { status: 200, body: ProxySettings },
    errors: ['INVALID_INPUT'],
  }),
};
