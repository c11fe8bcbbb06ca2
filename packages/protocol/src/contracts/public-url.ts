import { PublicUrlSettings, SetPublicUrlRequest } from '../api/public-url.js';
import { endpoint } from './endpoint.js';

/** The server's public URL (what agents and packages use) on the admin listener. */
export const publicUrlEndpoints = {
  get: endpoint({
    id: 'admin.publicUrl.get',
    method: 'GET',
    path: '/conf/api/public-url',
    summary: 'Read the public URL and where it comes from',
    access: { kind: 'user', permission: 'settings.view' },
    listener: 'admin',
    success: { status: 200, body: PublicUrlSettings },
    errors: [],
  }),
  set: endpoint({
    id: 'admin.publicUrl.set',
    method: 'PUT',
    path: '/conf/api/public-url',
    summary: 'Change the public URL',
    description:
      'Saves the https address agents, agent packages and enrolment commands use (`url: null` removes it: the detected address again). Applied at once to new installers and downloads; agents enrolled before keep the address they enrolled with. A `publicUrl` in the config file or `TETHER_PUBLIC_URL` still wins: the answer says so in `source`. `INVALID_INPUT` says what is wrong with the address; nothing is changed then.',
    access: { kind: 'user', permission: 'settings.manage' },
    listener: 'admin',
    subject: 'public URL',
    body: SetPublicUrlRequest,
    success: { status: 200, body: PublicUrlSettings },
    errors: ['INVALID_INPUT'],
  }),
};
