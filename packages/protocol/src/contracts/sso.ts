import { z } from 'zod';
import {
  OidcCallbackQuery,
  SamlAcsForm,
  SaveSsoProviderRequest,
  SsoButtonList,
  SsoProviderEntry,
  SsoProviderId,
  SsoProviderList,
  SsoTestResult,
} from '../api/sso.js';
import { endpoint } from './endpoint.js';

const byProvider = z.object({ provider: SsoProviderId });
const manage = { kind: 'user', permission: 'settings.manage' } as const;
const publicAccess = { kind: 'public' } as const;
const FINISH_PAGE =
  'A small same-origin page that takes the browser on: to the console when signed in, to the login page with the reason when refused, to the test result for a test. (The session cookie is SameSite=Strict: a page of our own, not a cross-site redirect, must make the first request that carries it.)';

/**
 * Single sign-on: OpenID Connect and SAML 2.0 (issue 12). The browser's round trip is on the user
 * listener; the providers' settings and their test are in the admin interface (admin listener).
 */
export const ssoEndpoints = {
  buttons: endpoint({
    id: 'sso.buttons',
    method: 'GET',
    path: '/api/v1/auth/sso',
    summary: 'List the sign-in buttons',
    description: 'The enabled single sign-on providers, ID and label only, for the login page.',
    access: publicAccess,
    success: { status: 200, body: SsoButtonList },
    errors: [],
  }),
  start: endpoint({
    id: 'sso.start',
    method: 'GET',
    path: '/api/v1/auth/sso/:provider/start',
    summary: 'Start a single sign-on',
    description:
      'Redirects the browser to the identity provider (OpenID Connect: authorisation code with PKCE, state and nonce; SAML: an AuthnRequest). The exchange is bound to this browser by a short-lived HttpOnly cookie.',
    access: publicAccess,
    params: byProvider,
    success: { status: 302, body: undefined, noStore: true, description: 'To the provider' },
    errors: ['NOT_FOUND', 'UNAVAILABLE'],
  }),
  callback: endpoint({
    id: 'sso.callback',
    method: 'GET',
    path: '/api/v1/auth/sso/:provider/callback',
    summary: 'OpenID Connect redirect URI',
    description: `Checks state, PKCE and the ID token (issuer, audience, nonce, signature), maps the user's groups and signs them in (created at their first sign-in), or refuses them. ${FINISH_PAGE}`,
    access: publicAccess,
    params: byProvider,
    query: OidcCallbackQuery,
    success: { status: 200, body: undefined, contentType: 'text/html', noStore: true },
    errors: [],
  }),
  acs: endpoint({
    id: 'sso.acs',
    method: 'POST',
    path: '/api/v1/auth/sso/:provider/acs',
    summary: 'SAML assertion consumer service',
    description: `HTTP-POST binding. The assertion must be signed by the configured IdP certificate, answer a request of this browser and be within its validity (with the configured clock skew). ${FINISH_PAGE}`,
    access: publicAccess,
    params: byProvider,
    body: SamlAcsForm,
    success: { status: 200, body: undefined, contentType: 'text/html', noStore: true },
    errors: [],
  }),
  metadata: endpoint({
    id: 'sso.metadata',
    method: 'GET',
    path: '/api/v1/auth/sso/:provider/metadata',
    summary: 'SAML service provider metadata',
    description: "Tether's entity ID and assertion consumer service, for the IdP.",
    access: publicAccess,
    params: byProvider,
    success: { status: 200, body: undefined, contentType: 'application/samlmetadata+xml' },
    errors: ['NOT_FOUND'],
  }),
  list: endpoint({
    id: 'sso.list',
    method: 'GET',
    listener: 'admin',
    path: '/conf/api/sso/providers',
    summary: 'List single sign-on providers',
    description:
      'Providers of the config file (read-only) and of the console. Client secrets are never shown, only whether one is set.',
    access: manage,
    success: { status: 200, body: SsoProviderList },
    errors: [],
  }),
  save: endpoint({
    id: 'sso.save',
    method: 'PUT',
    listener: 'admin',
    path: '/conf/api/sso/providers/:provider',
    summary: 'Add or change a single sign-on provider',
    description:
      'A client secret left out keeps the stored one; `null` removes it. A provider set in the config file cannot be changed here (`CONFLICT`).',
    access: manage,
    subject: 'single sign-on provider',
    params: byProvider,
    body: SaveSsoProviderRequest,
    success: { status: 200, body: SsoProviderEntry },
    errors: ['CONFLICT'],
  }),
  remove: endpoint({
    id: 'sso.remove',
    method: 'DELETE',
    listener: 'admin',
    path: '/conf/api/sso/providers/:provider',
    summary: 'Remove a single sign-on provider',
    description:
      'Its users stay (they can no longer sign in through it). A provider set in the config file cannot be removed here (`CONFLICT`).',
    access: manage,
    params: byProvider,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND', 'CONFLICT'],
  }),
  startTest: endpoint({
    id: 'sso.startTest',
    method: 'GET',
    listener: 'admin',
    path: '/conf/api/sso/providers/:provider/test',
    summary: 'Test a single sign-on provider',
    description:
      'Open in a new browser tab: runs the sign-in at the provider and then shows, in the admin console (`/conf/single-sign-on?test=<id>`, on the host this test was started from), what the server saw (claims or attributes, groups, the mapped role and teams) without signing anyone in. The provider brings the browser back to the user listener, so open the admin interface under the same host name as the public URL.',
    access: manage,
    params: byProvider,
    success: { status: 302, body: undefined, noStore: true, description: 'To the provider' },
    errors: ['NOT_FOUND', 'UNAVAILABLE'],
  }),
  testResult: endpoint({
    id: 'sso.testResult',
    method: 'GET',
    listener: 'admin',
    path: '/conf/api/sso/tests/:id',
    summary: 'What a test sign-in saw',
    description: 'Kept 10 minutes, for the administrator who ran the test.',
    access: manage,
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) }),
    success: { status: 200, body: SsoTestResult, noStore: true },
    errors: ['NOT_FOUND'],
  }),
};
