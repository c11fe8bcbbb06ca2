import {
  serverKeyEndpoints,
  type ServerKeyInfo,
  type ServerKeyList,
  type ServerKeyRotated,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** The server signing keys (S-6), on the admin listener (`/conf/api/keys…`). */
export interface ServerKeyClient {
  /** Every key, oldest first, with the number of agents on each. */
  listServerKeys(): Promise<ServerKeyList>;
  /** A new current key; connected agents are handed over at once. */
  rotateServerKey(): Promise<ServerKeyRotated>;
  /** `CONFLICT` while agents still pin it, unless `confirm`. */
  retireServerKey(fingerprint: string, options?: { confirm?: boolean }): Promise<ServerKeyInfo>;
}

/**
 * The server key calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const { key, agentsNotified } = await api.rotateServerKey();
 */
export function createServerKeyClient(transport: HttpTransport): ServerKeyClient {
  return {
    listServerKeys: () => callEndpoint(transport, serverKeyEndpoints.list, {}),
    rotateServerKey: () => callEndpoint(transport, serverKeyEndpoints.rotate, {}),
    retireServerKey: (fingerprint, options = {}) =>
      callEndpoint(transport, serverKeyEndpoints.retire, {
        params: { fingerprint },
        body: options.confirm === undefined ? {} : { confirm: options.confirm },
      }),
  };
}
