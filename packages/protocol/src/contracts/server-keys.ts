import { z } from 'zod';
import {
  RetireServerKeyRequest,
  ServerKeyFingerprint,
  ServerKeyInfo,
  ServerKeyList,
  ServerKeyRotated,
} from '../api/server-keys.js';
import { endpoint } from './endpoint.js';

const view = { kind: 'user', permission: 'settings.view' } as const;
const manage = { kind: 'user', permission: 'settings.manage' } as const;

/** The server's signing keys (S-6), on the admin listener. */
export const serverKeyEndpoints = {
  list: endpoint({
    id: 'serverKeys.list',
    method: 'GET',
    path: '/conf/api/keys',
    listener: 'admin',
    summary: 'List the server signing keys',
    description:
      'Every signing key, oldest first, with its fingerprint, status and the number of enrolled agents that pinned it.',
    access: view,
    success: { status: 200, body: ServerKeyList },
    errors: [],
  }),
  rotate: endpoint({
    id: 'serverKeys.rotate',
    method: 'POST',
    path: '/conf/api/keys/rotate',
    listener: 'admin',
    summary: 'Generate a new server signing key and rotate to it',
    description:
      'The new key signs from now on; the current key signs a hand-over to it. Connected agents are handed over at once over their control channel, the others when they next connect. Installers made before keep working until their key is retired.',
    access: manage,
    success: { status: 201, body: ServerKeyRotated },
    errors: [],
  }),
  retire: endpoint({
    id: 'serverKeys.retire',
    method: 'POST',
    path: '/conf/api/keys/:fingerprint/retire',
    listener: 'admin',
    summary: 'Retire an old server signing key',
    description:
      'Its private key is deleted, its hand-over is no longer offered and its installers no longer enrol. `CONFLICT` when agents still pin it and `confirm` is not set: those agents would need a new enrolment. The current key cannot be retired (rotate first).',
    access: manage,
    subject: 'key retirement',
    params: z.object({ fingerprint: ServerKeyFingerprint }),
    body: RetireServerKeyRequest,
    success: { status: 200, body: ServerKeyInfo },
    errors: ['NOT_FOUND', 'CONFLICT', 'INVALID_INPUT'],
  }),
};
