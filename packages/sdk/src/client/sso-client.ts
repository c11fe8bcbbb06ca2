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

export function createSsoClient(transport: HttpTransport): SsoClient {
  const url = (path: string) => `${transport.baseUrl}${path}`;
  return {
    listSsoButtons: async () => (await callEndpoint(transport, ssoEndpoints.buttons, {})).providers,
    ssoStartUrl: (providerId) => url(endpointPath(ssoEndpoints.start, { provider: providerId })),
    listSsoProviders: async () => (await callEndpoint(transport, ssoEndpoints.list, {})).providers,
    saveSsoProvider: (request) =>
      callEndpoint(transport, ssoEndpoints.save, {
        params: { provider: request.id },
        body: request,
      }),
    removeSsoProvider: (providerId) =>
      callEndpoint(transport, ssoEndpoints.remove, { params: { provider: providerId } }),
    ssoTestUrl: (providerId) => url(endpointPath(ssoEndpoints.startTest, { provider: providerId })),
    getSsoTestResult: (testId) =>
      callEndpoint(transport, ssoEndpoints.testResult, { params: { id: testId } }),
  };
}
