import {
  endpointPath,
  ssoEndpoints,
  type SaveSsoProviderRequest,
  type SsoButtonList,
  type SsoProviderEntry,
  type SsoTestResult,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** Single sign-on calls of the API client (issue 12). Settings need `settings.manage`. */
export interface SsoClient {
  /** The login page's buttons: enabled providers' IDs and labels (no sign-in needed). */
  listSsoButtons(): Promise<SsoButtonList['providers']>;
  /** Where the browser goes to sign in with a provider (a navigation, not a fetch). */
  ssoStartUrl(providerId: string): string;
  listSsoProviders(): Promise<SsoProviderEntry[]>;
  /** Adds or changes a provider; a client secret left out keeps the stored one. */
  saveSsoProvider(request: SaveSsoProviderRequest): Promise<SsoProviderEntry>;
  removeSsoProvider(providerId: string): Promise<void>;
  /** Where a browser tab goes to test a provider (the server shows what it saw after). */
  ssoTestUrl(providerId: string): string;
  getSsoTestResult(testId: string): Promise<SsoTestResult>;
}

/**
 * The single sign-on calls: the sign-in's over `transport` (the user listener), the providers'
 * settings and tests over `admin` (the admin listener: the admin console's own origin, or the
 * client's admin URL).
 */
export function createSsoClient(transport: HttpTransport, admin = transport): SsoClient {
  const adminUrl = (path: string) => `${admin.baseUrl}${path}`;
  return {
    listSsoButtons: async () => (await callEndpoint(transport, ssoEndpoints.buttons, {})).providers,
    ssoStartUrl: (providerId) =>
      `${transport.baseUrl}${endpointPath(ssoEndpoints.start, { provider: providerId })}`,
    listSsoProviders: async () => (await callEndpoint(admin, ssoEndpoints.list, {})).providers,
    saveSsoProvider: (request) =>
      callEndpoint(admin, ssoEndpoints.save, {
        params: { provider: request.id },
        body: request,
      }),
    removeSsoProvider: (providerId) =>
      callEndpoint(admin, ssoEndpoints.remove, { params: { provider: providerId } }),
    ssoTestUrl: (providerId) =>
      adminUrl(endpointPath(ssoEndpoints.startTest, { provider: providerId })),
    getSsoTestResult: (testId) =>
      callEndpoint(admin, ssoEndpoints.testResult, { params: { id: testId } }),
  };
}
