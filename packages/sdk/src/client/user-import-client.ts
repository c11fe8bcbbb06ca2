import {
  userImportEndpoints,
  type ImportUsersRequest,
  type ImportUsersResponse,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** Bulk import of users (S-10; administrators). */
export interface UserImportClient {
  /**
   * Imports users from a CSV or JSON file's text: one result per row (created, updated,
   * unchanged, refused with the reason). `dryRun` changes nothing; `allOrNothing` changes nothing
   * when a row is refused. Generated initial passwords are in the result, this once.
   */
  importUsers(request: ImportUsersRequest): Promise<ImportUsersResponse>;
}

/**
 * The import call over one transport; `createTetherClient` mixes it in.
 *
 * @example
 * const preview = await api.importUsers({ format: 'csv', content, dryRun: true });
 * if (preview.counts.refused === 0) await api.importUsers({ format: 'csv', content });
 */
export function createUserImportClient(transport: HttpTransport): UserImportClient {
  return {
    importUsers: (request) =>
      callEndpoint(transport, userImportEndpoints.import, { body: request }),
  };
}
