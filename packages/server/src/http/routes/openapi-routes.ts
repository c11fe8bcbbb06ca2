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
 * The API reference: the OpenAPI document of every endpoint, generated from the same contracts
 * the routes are registered with. It is made once per public URL (the schemas do not change
 * while the server runs).
 */
export function openApiRoutes(app: HttpsApp, context: ServerContext): void {
  let cached: { publicUrl: string; document: OpenApiDocument } | undefined;
  registerEndpoint(app, context.auth, apiReferenceEndpoints.openapi, () => {
    const publicUrl = context.publicUrl();
    if (cached?.publicUrl !== publicUrl) {
      const document = openApiDocument({
        endpoints: ENDPOINTS,
        serverUrl: publicUrl,
        namedSchemas: protocol,
      });
      cached = { publicUrl, document };
    }
    return Promise.resolve(cached.document);
  });
}
