import { TlsChangeRequest, TlsChangeResult, TlsPreview, TlsStatus } from '../api/tls.js';
import { endpoint } from './endpoint.js';

/** The listeners' certificate and protocol settings (S-5), on the admin listener. */
export const tlsEndpoints = {
  get: endpoint({
    id: 'tls.get',
    method: 'GET',
    path: '/conf/api/tls',
    listener: 'admin',
    summary: 'Read the TLS certificate and protocol settings',
    description: 'The served certificate (never its key), its expiry, and the protocol settings.',
    access: { kind: 'user', permission: 'settings.view' },
    success: { status: 200, body: TlsStatus },
    errors: [],
  }),
  preview: endpoint({
    id: 'tls.preview',
    method: 'POST',
    path: '/conf/api/tls/preview',
    listener: 'admin',
    summary: 'Check a TLS change without applying it',
    description:
      'Validates a certificate and key (PEM or PKCS#12) and protocol settings, and says whether enrolled agents would keep connecting, and why. Nothing is changed.',
    access: { kind: 'user', permission: 'settings.manage' },
    subject: 'TLS settings',
    body: TlsChangeRequest,
    success: { status: 200, body: TlsPreview },
    errors: ['INVALID_INPUT'],
  }),
  set: endpoint({
    id: 'tls.set',
    method: 'PUT',
    path: '/conf/api/tls',
    listener: 'admin',
    summary: 'Change the TLS certificate or protocol settings',
    description:
      'Validates, stores and applies the change to new connections on both listeners at once; connected agents and open sessions stay. Refused (`CONFLICT`) when agents would stop connecting unless `acceptAgentImpact` is true.',
    access: { kind: 'user', permission: 'settings.manage' },
    subject: 'TLS settings',
    body: TlsChangeRequest,
    success: { status: 200, body: TlsChangeResult },
    errors: ['INVALID_INPUT', 'CONFLICT'],
  }),
};
