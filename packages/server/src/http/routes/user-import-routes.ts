import { userImportEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { createUserImporter } from '../../users/user-import.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/** Bulk import of users (S-10). */
export function userImportRoutes(app: HttpsApp, context: ServerContext): void {
  const importer = createUserImporter({ store: context.store, users: context.users });
  registerEndpoint(app, context.auth, userImportEndpoints.import, ({ body, principal, request }) =>
    importer.import(body, {
      username: principal.user.username,
      sourceAddress: sourceAddress(request),
    }),
  );
}
