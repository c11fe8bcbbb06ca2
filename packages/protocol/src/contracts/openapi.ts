import { z } from 'zod';
import { SESSION_COOKIE } from '../api/auth.js';
import { ErrorBody, httpStatus, type ErrorCode } from '../errors.js';
import { TETHER_VERSION } from '../version.js';
import type { OpenApiDocument } from './api-reference.js';
import type { AnyEndpoint } from './endpoint.js';
import { schemaCollector, type JsonObject, type SchemaCollector } from './openapi-schemas.js';

/** What each error code means to a caller, for the descriptions of error responses. */
const ERROR_MEANINGS: Record<ErrorCode, string> = {
  AUTH_REQUIRED: 'not signed in (or the session expired), or no credentials sent',
  AUTH_FAILED: 'wrong credentials',
  FORBIDDEN: 'the caller lacks the permission',
  PASSWORD_CHANGE_REQUIRED:
    'the user must change their password first (`POST /api/v1/account/password`)',
  SECOND_FACTOR_REQUIRED:
    "the user's role requires a second factor: they must enrol one first (`/api/v1/account/second-factors`)",
  NOT_FOUND: 'no such object',
  CONFLICT: 'the change conflicts with the current state',
  INVALID_INPUT: 'well-formed request with wrong fields; the message names them',
  DEVICE_OFFLINE: 'the device is offline',
  CONSENT_DENIED: 'the user at the device refused',
  OUTSIDE_ACCESS_WINDOW: "outside the device's access window",
  RATE_LIMITED: 'too many attempts; retry after the Retry-After seconds',
  TOKEN_EXPIRED: 'the token has expired',
  TOKEN_INVALID: 'unknown, altered or revoked token',
  TOKEN_REVOKED: 'the token was revoked',
  SESSION_ENDED: 'the session has ended',
  UNSUPPORTED_VERSION: 'the client speaks a newer protocol',
  UNAVAILABLE: 'the server or the device cannot answer now (database down, no answer in time)',
  INTERNAL: 'the server failed; the details are in its log',
};

/** Codes every endpoint may answer with, beyond its contract's own. */
function implicitErrors(target: AnyEndpoint): ErrorCode[] {
  const access: Record<AnyEndpoint['access']['kind'], ErrorCode[]> = {
    public: [],
    user: ['AUTH_REQUIRED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED', 'SECOND_FACTOR_REQUIRED'],
    scriptToken: ['AUTH_REQUIRED', 'TOKEN_INVALID', 'FORBIDDEN'],
  };
  // The route adapter parses every part the contract declares: bad fields are INVALID_INPUT.
  const parsed = target.params ?? target.query ?? target.body;
  return [...access[target.access.kind], ...(parsed ? ['INVALID_INPUT' as const] : [])];
}

/** Refusals by the HTTP framework before any route runs, in the protocol's error shape. */
function malformedRequest(target: AnyEndpoint): string {
  const body = target.body
    ? ' The body is not JSON (malformed, or another Content-Type): `{"code": "INVALID_INPUT", "message": "The request body is not valid JSON."}`.'
    : '';
  return `Malformed request, refused before the endpoint runs (\`INVALID_INPUT\`).${body}`;
}

function errorResponses(target: AnyEndpoint, errorBody: JsonObject): Record<string, JsonObject> {
  const codes = [
    ...new Set([...implicitErrors(target), ...target.errors, 'UNAVAILABLE', 'INTERNAL'] as const),
  ];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(httpStatus[code], [...(byStatus.get(httpStatus[code]) ?? []), code]);
  const responses: Record<string, JsonObject> = {
    '400': {
      description: malformedRequest(target),
      content: { 'application/json': { schema: errorBody } },
    },
  };
  if (target.body || target.upload) {
    responses['413'] = {
      description: 'The request body is too large (`INVALID_INPUT`).',
      content: { 'application/json': { schema: errorBody } },
    };
  }
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retryAfter = statusCodes.some(
      (code) => code === 'RATE_LIMITED' || code === 'UNAVAILABLE',
    );
    responses[String(status)] = {
      description: statusCodes.map((code) => `\`${code}\`: ${ERROR_MEANINGS[code]}`).join('; '),
      ...(retryAfter
        ? {
            headers: {
              'Retry-After': {
                description: 'Seconds to wait, when known',
                schema: { type: 'integer' },
              },
            },
          }
        : {}),
      content: {
        'application/json': {
          schema: { allOf: [errorBody], properties: { code: { enum: statusCodes } } },
        },
      },
    };
  }
  return responses;
}

/**
 * The success answer as the generator reads it. A contract may also say what its answer is
 * (`description`), that it carries a secret (`noStore`: sent with `Cache-Control: no-store`) or
 * that it redirects (302); fields a contract leaves out get plain defaults.
 */
interface SuccessView {
  status: number;
  body: z.ZodType | undefined;
  contentType?: string;
  noStore?: boolean;
  description?: string;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'Done; no content',
  302: 'Redirect to `Location`',
};

function successResponse(
  target: AnyEndpoint,
  schemas: SchemaCollector,
): Record<string, JsonObject> {
  const success: SuccessView = target.success;
  const { status, body, contentType } = success;
  const description = success.description ?? STATUS_TEXT[status] ?? `HTTP ${status}`;
  const headers = {
    ...(success.noStore
      ? {
          'Cache-Control': {
            description: '`no-store`: the answer carries a secret',
            schema: { type: 'string', const: 'no-store' },
          },
        }
      : {}),
    ...(status === 302
      ? { Location: { description: 'Where to go next', schema: { type: 'string' } } }
      : {}),
  };
  const content =
    body !== undefined
      ? { 'application/json': { schema: schemas.use(body, 'output') } }
      : contentType !== undefined
        ? { [contentType]: { schema: { type: 'string' } } }
        : undefined;
  return {
    [status]: {
      description: body === undefined && contentType ? `${description} (a download)` : description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(content ? { content } : {}),
    },
  };
}

/** `path` and `query` parameters from the properties of the contract's object schemas. */
function parameters(target: AnyEndpoint, schemas: SchemaCollector): JsonObject[] {
  const from = (schema: z.ZodType | undefined, place: 'path' | 'query'): JsonObject[] => {
    if (schema === undefined) return [];
    const json = schemas.inline(schema, 'input');
    if (json.type !== 'object' || json.properties === undefined) {
      throw new Error(`${target.id}: the ${place} schema must be an object of named fields`);
    }
    const required = new Set((json.required as string[] | undefined) ?? []);
    return Object.entries(json.properties as Record<string, JsonObject>).map(([name, field]) => ({
      name,
      in: place,
      required: place === 'path' || required.has(name),
      schema: field,
    }));
  };
  const declared = from(target.params, 'path');
  // OpenAPI requires every `{name}` of the path to be declared.
  const undeclared = [...target.path.matchAll(/:([A-Za-z]+)/g)]
    .map((match) => match[1] ?? '')
    .filter((name) => !declared.some((parameter) => parameter.name === name))
    .map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  return [...declared, ...undeclared, ...from(target.query, 'query')];
}

function security(target: AnyEndpoint): JsonObject {
  const { access } = target;
  if (access.kind === 'public') return { security: [], who: 'Anyone may call it (no sign-in).' };
  if (access.kind === 'user') {
    return {
      security: [{ consoleSession: [] }],
      'x-permission': access.permission,
      who: `Needs a signed-in user whose role has the permission \`${access.permission}\`.`,
    };
  }
  // A script-token contract may also name the token permission it needs.
  const token: { operation: string; permission?: string } = access;
  return {
    security: [{ scriptToken: [] }],
    'x-oem-operation': token.operation,
    ...(token.permission ? { 'x-oem-permission': token.permission } : {}),
    who: `Needs \`Authorization: Bearer <script token>\` of the tenant${token.permission ? ` with the permission \`${token.permission}\`` : ''}.`,
  };
}

/** The servers of both listeners, for the operations that are not on the user listener alone. */
interface Listeners {
  user: JsonObject;
  admin: JsonObject;
}

/**
 * Where an operation is served: the document's server (the user listener) unless the contract
 * says otherwise; then its own `servers`, and a sentence saying so.
 */
function listenerOf(
  target: AnyEndpoint,
  listeners: Listeners,
): { where?: string; servers?: JsonObject[] } {
  if (target.listener === 'admin') {
    return {
      where:
        'Served on the **admin listener** only (reached from localhost and the trusted networks), not on the console URL.',
      servers: [listeners.admin],
    };
  }
  if (target.listener === 'both')
    return {
      where: 'Served on both listeners: the console URL and the admin listener.',
      servers: [listeners.user, listeners.admin],
    };
  return {};
}

function operation(
  target: AnyEndpoint,
  context: { schemas: SchemaCollector; errorBody: JsonObject; listeners: Listeners },
): JsonObject {
  const { schemas, errorBody } = context;
  const { who, ...access } = security(target);
  const { where, servers } = listenerOf(target, context.listeners);
  const list = parameters(target, schemas);
  return {
    operationId: target.id,
    summary: target.summary,
    description: [target.description, who, where].filter(Boolean).join('\n\n'),
    tags: [area(target)],
    ...(servers ? { servers } : {}),
    ...access,
    ...(list.length > 0 ? { parameters: list } : {}),
    ...(target.body
      ? {
          requestBody: {
            // A body whose fields are all optional may be left out: the server reads none as {}.
            required: !target.body.safeParse({}).success,
            content: { 'application/json': { schema: schemas.use(target.body, 'input') } },
          },
        }
      : {}),
    ...(target.upload
      ? {
          requestBody: {
            required: true,
            description: `The file, at most ${target.upload.maxBytes} bytes.`,
            content: {
              [target.upload.contentType]: { schema: { type: 'string', format: 'binary' } },
            },
          },
        }
      : {}),
    responses: { ...successResponse(target, schemas), ...errorResponses(target, errorBody) },
  };
}

/** The area of an endpoint, its tag: `installers` for `installers.create`. */
const area = (target: AnyEndpoint): string => target.id.split('.')[0] ?? target.id;

/**
 * The OpenAPI 3.1 document of the endpoints: one operation per contract (operationId = contract
 * id, tagged by area), parameters and bodies from its zod schemas as clients send them, answers
 * as the server sends them, its error codes grouped by status in the protocol's error shape,
 * and its access as a security requirement (`consoleSession` cookie, `scriptToken` bearer, or
 * none). Operations of the admin listener (contract `listener`) name it in their own `servers`.
 *
 * @example
 * const document = openApiDocument({ endpoints: ENDPOINTS, serverUrl: 'https://support.example.com' });
 * document.paths['/api/v1/installers/{id}']?.delete // { operationId: 'installers.revoke', … }
 */
export function openApiDocument(options: {
  endpoints: readonly AnyEndpoint[];
  serverUrl: string;
  /**
   * The admin listener's URL (`https://host:7615`), the server of its operations; by default the
   * server URL's host on the default admin port.
   */
  adminServerUrl?: string;
  /**
   * A module's exports (`import * as protocol from '@tether/protocol'`): a request or answer
   * schema exported there becomes a component under its export name.
   */
  namedSchemas?: Readonly<Record<string, unknown>>;
}): OpenApiDocument {
  const names = new Map<z.ZodType, string>([[ErrorBody, 'ErrorBody']]);
  // Sorted, so a schema exported under two names gets the same one on every run.
  for (const [name, value] of Object.entries(options.namedSchemas ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    if (value instanceof z.ZodType && !names.has(value)) names.set(value, name);
  }
  const schemas = schemaCollector(names);
  const errorBody = schemas.use(ErrorBody, 'output');
  const listeners: Listeners = {
    user: { url: options.serverUrl, description: 'The console and agents listener' },
    admin: {
      url: options.adminServerUrl ?? `https://${new URL(options.serverUrl).hostname}:7615`,
      description: 'The admin listener (localhost and trusted networks only)',
    },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const target of options.endpoints) {
    const path = target.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const operations = (paths[path] ??= {});
    const method = target.method.toLowerCase();
    if (operations[method] !== undefined)
      throw new Error(`Two contracts for ${target.method} ${path}`);
    operations[method] = operation(target, { schemas, errorBody, listeners });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tether API',
      version: TETHER_VERSION,
      description:
        'The whole HTTP API of a Tether server: the console API (sign in with `POST /api/v1/auth/login`; the session cookie authenticates the rest), the administration API (the `/conf/api/…` operations are on the admin listener, see their `servers`), and the integration API for management vendors (`Authorization: Bearer <script token>`). Errors are `{code, message, details?}`; clients branch on `code`.',
    },
    servers: [{ url: options.serverUrl }],
    tags: [...new Set(options.endpoints.map(area))].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        consoleSession: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'The session cookie set by `POST /api/v1/auth/login`.',
        },
        scriptToken: {
          type: 'http',
          scheme: 'bearer',
          description: "A script token of an integrator's tenant, made by an administrator.",
        },
      },
      schemas: schemas.components,
    },
  };
}
