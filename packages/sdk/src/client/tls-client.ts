import {
  tlsEndpoints,
  type TlsChangeRequest,
  type TlsChangeResult,
  type TlsPreview,
  type TlsStatus,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/**
 * The admin listener's TLS calls (S-5): the client's base URL is the admin listener's origin.
 * Reading needs `settings.view`, previewing and changing `settings.manage`.
 */
export interface TlsClient {
  getTls(): Promise<TlsStatus>;
  /** Validates a change and says whether agents keep connecting; changes nothing. */
  previewTls(request: TlsChangeRequest): Promise<TlsPreview>;
  setTls(request: TlsChangeRequest): Promise<TlsChangeResult>;
}

export function createTlsClient(transport: HttpTransport): TlsClient {
  return {
    getTls: () => callEndpoint(transport, tlsEndpoints.get, {}),
    previewTls: (request) => callEndpoint(transport, tlsEndpoints.preview, { body: request }),
    setTls: (request) => callEndpoint(transport, tlsEndpoints.set, { body: request }),
  };
}
