import type { AnyEndpoint } from '@tether/protocol';
import { HttpsClient } from './https-client.js';
import type { TestServer } from './test-server.js';

/**
 * A client of the admin listener (`/conf`) signed in as `client` (default: the administrator).
 * The session cookie names a host, not a port, so a browser signed in on the user listener is
 * signed in here too; this client carries the same cookie.
 *
 * @example
 * const conf = adminClient(server);
 * await conf.request('PUT', '/conf/api/second-factor', { requiredRoles: [] });
 */
export function adminClient(
  server: Pick<TestServer, 'adminUrl' | 'ca' | 'admin'>,
  client: HttpsClient = server.admin,
): HttpsClient {
  const conf = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  conf.cookie = client.cookie;
  return conf;
}

/** The client to call `endpoint` with: on the admin listener for admin contracts, else `client`. */
export function clientFor(
  server: Pick<TestServer, 'adminUrl' | 'ca' | 'admin'>,
  endpoint: AnyEndpoint,
  client: HttpsClient,
): HttpsClient {
  return endpoint.listener === 'admin' ? adminClient(server, client) : client;
}
