import * as protocol from '@tether/protocol';
import {
  ENDPOINTS,
  apiReferenceEndpoints,
  openApiDocument,
  type OpenApiDocument,
} from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';

/**
 * The protocol's exports by name, for naming the document's components. Read one at a time: in
 * the production bundle esbuild's namespace object holds getters for exports its chunk never
 * imports (`PROTOCOL_VERSION` threw a ReferenceError and the whole document failed); such an
 * export is not a schema of any endpoint, so it is simply left out.
 */
function exportedByName(): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const name of Object.keys(protocol)) {
    try {
      named[name] = (protocol as Record<string, unknown>)[name];
    } catch {
      // An export the bundle dropped; see above.
    }
  }
  return named;
}

/**
 * The API reference: the OpenAPI document of every endpoint, generated from the same contracts
 * the routes are registered with. It is made once per public URL (the schemas do not change
 * while the server runs); admin-listener operations name the admin listener's URL.
 */
export function openApiRoutes(app: HttpsApp, context: ServerContext): void {
  let cached: { urls: string; document: OpenApiDocument } | undefined;
  registerEndpoint(app, context.auth, apiReferenceEndpoints.openapi, () => {
    const publicUrl = context.publicUrl();
    const adminUrl = context.adminUrl();
    const urls = `${publicUrl} ${adminUrl}`;
    if (cached?.urls !== urls) {
      const document = openApiDocument({
        endpoints: ENDPOINTS,
        serverUrl: publicUrl,
        adminServerUrl: adminUrl,
        namedSchemas: exportedByName(),
      });
      cached = { urls, document };
    }
    return Promise.resolve(cached.document);
  });
}
