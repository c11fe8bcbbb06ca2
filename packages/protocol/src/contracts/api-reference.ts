import { z } from 'zod';
import { endpoint } from './endpoint.js';

/**
 * An OpenAPI 3.1 document, checked only as far as a reader of it relies on: the version, the
 * title and the paths. The rest is described by the OpenAPI specification itself.
 *
 * @example
 * const document = OpenApiDocument.parse(await (await fetch('/api/v1/openapi.json')).json());
 */
export const OpenApiDocument = z.looseObject({
  openapi: z.string().startsWith('3.1.'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type OpenApiDocument = z.infer<typeof OpenApiDocument>;

/** The API reference: the document that describes every endpoint, including itself. */
export const apiReferenceEndpoints = {
  openapi: endpoint({
    id: 'reference.openapi',
    method: 'GET',
    path: '/api/v1/openapi.json',
    summary: 'The OpenAPI 3.1 document of the whole API',
    description: 'Generated from the endpoint contracts the server registers its routes with.',
    access: { kind: 'public' },
    success: { status: 200, body: OpenApiDocument },
    errors: [],
  }),
};
