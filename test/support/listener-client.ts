import type { AnyEndpoint } from '@tether/protocol';
import { HttpsClient } from './https-client.js';
import type { TestServer } from './test-server.js';

/**
 * The client that reaches `endpoint` on its own listener: `client` itself for the user
 * listener, or one to the admin listener (`listener: 'admin'`) carrying the same sign-in.
 */
export function clientFor(
  server: TestServer,
  client: HttpsClient,
  endpoint: AnyEndpoint,
): HttpsClient {
  if (endpoint.listener !== 'admin') return client;
  const admin = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  admin.cookie = client.cookie;
  return admin;
}
