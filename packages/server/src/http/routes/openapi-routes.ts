import * as protocol from '@tether/protocol';
import {
  ENDPOINTS,
  apiReferenceEndpoints,
  openApiDocument,
  type OpenApiDocument,
} from '@tether/protocol';
import type { ServerContext } from '../../app/context.js';
import { oemOpenApiDocument } from '../../oem/openapi.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';

/**
 * TRANSITIONAL (issue 11): the OEM routes become contracts on another branch. Until they have,
 * their hand-made description (`oem/openapi.ts`) fills in each path and method the contracts
 * lack. Delete this function, its call and `oem/openapi.ts` once every OEM route is a contract.
 */
function withHandMadeOemPaths(document: OpenApiDocument, publicUrl: string): OpenApiDocument {
  const handMade = oemOpenApiDocument(publicUrl) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, unknown> };
  };
  const paths = { ...document.paths };
  for (const [path, operations] of Object.entries(handMade.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (paths[path]?.[method] !== undefined) continue;
      paths[path] = { ...paths[path], [method]: { tags: ['oem'], ...operation } };
    }
  }
  const components = document.components as { schemas: Record<string, unknown> };
  const tags = document.tags as { name: string }[];
  return {
    ...document,
    tags: tags.some((tag) => tag.name === 'oem') ? tags : [...tags, { name: 'oem' }],
    paths,
    components: {
      ...components,
      schemas: { ...handMade.components.schemas, ...components.schemas },
    },
  };
}

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
      const generated = openApiDocument({
        endpoints: ENDPOINTS,
        serverUrl: publicUrl,
        namedSchemas: protocol,
      });
      cached = { publicUrl, document: withHandMadeOemPaths(generated, publicUrl) };
    }
    return Promise.resolve(cached.document);
  });
}
