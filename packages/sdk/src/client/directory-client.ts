import {
  directoryEndpoints,
  type DirectoriesRequest,
  type DirectoriesResponse,
  type DirectoryTestRequest,
  type DirectoryTestResult,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** The password directories (LDAP, RADIUS) calls of the API client; administrators only. */
export interface DirectoryClient {
  /** The directories in the order sign-in asks them; secrets show only as `…Set`. */
  listDirectories(): Promise<DirectoriesResponse>;
  /** Replaces the list; a secret left out keeps the stored one. `CONFLICT` when set in the config file. */
  setDirectories(request: DirectoriesRequest): Promise<DirectoriesResponse>;
  /** Tries a username and password against one directory and reports each stage. */
  testDirectory(id: string, request: DirectoryTestRequest): Promise<DirectoryTestResult>;
}

/**
 * The directory calls over the admin listener's transport (the admin console's own origin, or
 * the client's admin URL); `createTetherClient` mixes them in.
 *
 * @example
 * const result = await api.testDirectory('corp', { username: 'alice', password });
 * console.log(result.outcome, result.mapped);
 */
export function createDirectoryClient(transport: HttpTransport): DirectoryClient {
  return {
    listDirectories: () => callEndpoint(transport, directoryEndpoints.list, {}),
    setDirectories: (request) =>
      callEndpoint(transport, directoryEndpoints.replace, { body: request }),
    testDirectory: (id, request) =>
      callEndpoint(transport, directoryEndpoints.test, { params: { id }, body: request }),
  };
}
