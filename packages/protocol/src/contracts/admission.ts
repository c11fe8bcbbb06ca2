import { AdmissionSettings, AdmissionView } from '../api/admission.js';
import { endpoint } from './endpoint.js';

/** Connection admission of agents on the admin listener. */
export const admissionEndpoints = {
  get: endpoint({
    id: 'admin.admission.get',
    method: 'GET',
    path: '/conf/api/admission',
    summary: 'Read the agents’ connection admission rate and what it did since the start',
    access: { kind: 'user', permission: 'settings.view' },
    listener: 'admin',
    success: { status: 200, body: AdmissionView },
    errors: [],
  }),
  set: endpoint({
    id: 'admin.admission.set',
    method: 'PUT',
    path: '/conf/api/admission',
    summary: 'Change how many agent connections the server accepts per second (A-13)',
    description:
      'Applied at once to the next agent connection; agents already connected keep their connection. Agents over the rate are answered 503 with `Retry-After` and come back when told. `INVALID_INPUT` when the rate is not a whole number from 1 to 100000; nothing is changed then.',
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'admission settings',
    body: AdmissionSettings,
    success: { status: 200, body: AdmissionView },
    errors: ['INVALID_INPUT'],
  }),
};
