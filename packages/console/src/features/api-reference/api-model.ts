import { isObject, resolveRef, text, type JsonObject } from './json-pointer.js';

/** A parameter of an operation (path, query, header or cookie). */
export interface ApiParameter {
  name: string;
  in: string;
  isRequired: boolean;
  description?: string;
  schema?: unknown;
}

/** One media type of a request or response body. */
export interface ApiContent {
  mediaType: string;
  schema?: unknown;
  description?: string;
}

/** A request body. */
export interface ApiBody {
  isRequired: boolean;
  description?: string;
  content: ApiContent[];
}

/** One possible answer of an operation. */
export interface ApiResponse {
  /** `200`, `4XX`, `default`, … */
  status: string;
  description?: string;
  content: ApiContent[];
  headers: { name: string; description?: string }[];
  isError: boolean;
}

/** One way to be allowed to call an operation: every scheme named must be satisfied. */
export type ApiRequirement = { scheme: string; scopes: string[] }[];

/** One HTTP operation of the document. */
export interface ApiOperation {
  /** `operationId`, else `METHOD path`: unique within the document. */
  id: string;
  method: string;
  path: string;
  tags: string[];
  summary?: string;
  description?: string;
  isDeprecated: boolean;
  /** The permission it needs, from `x-permission` or, for script tokens, `x-oem-permission`. */
  permission?: string;
  /** The extension the permission came from (shown as its tooltip). */
  permissionSource?: string;
  /** Alternatives; empty: anyone may call it. */
  security: ApiRequirement[];
  parameters: ApiParameter[];
  requestBody?: ApiBody;
  responses: ApiResponse[];
}

/** A security scheme of `components.securitySchemes`, in words. */
export interface ApiScheme {
  name: string;
  /** "Bearer token in the Authorization header", "Cookie tether_session", … */
  how: string;
  description?: string;
}

/** Operations under one tag (or, untagged, one area of the path). */
export interface ApiGroup {
  name: string;
  description?: string;
  operations: ApiOperation[];
}

/** What the reference page shows of an OpenAPI document. */
export interface ApiReference {
  title: string;
  version?: string;
  description?: string;
  openapi?: string;
  schemes: ApiScheme[];
  groups: ApiGroup[];
  /** Every operation once, in document order. */
  operations: ApiOperation[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Extensions that name what a caller must be allowed: a user's, else a script token's. */
const PERMISSION_EXTENSIONS = ['x-permission', 'x-oem-permission'];

/**
 * Reads an OpenAPI 3.x document into what the reference page shows. Tolerant: `$ref`s into the
 * document are followed, missing fields are left out, nothing throws on a valid document.
 *
 * @example
 * readApiReference(await response.json()).groups[0]?.operations[0]?.path // '/api/v1/devices'
 */
export function readApiReference(document: unknown): ApiReference {
  const info = isObject(document) ? document.info : undefined;
  const components = isObject(document) ? document.components : undefined;
  const operations = readOperations(document);
  return {
    title: text(info, 'title') ?? 'API',
    version: text(info, 'version'),
    description: text(info, 'description'),
    openapi: text(document, 'openapi'),
    schemes: entries(isObject(components) ? components.securitySchemes : undefined).map(
      ([name, value]) => readScheme(name, resolveRef(document, value).value),
    ),
    groups: groupOperations(document, operations),
    operations,
  };
}

function entries(value: unknown): [string, unknown][] {
  return isObject(value) ? Object.entries(value) : [];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function readOperations(document: unknown): ApiOperation[] {
  const paths = isObject(document) ? document.paths : undefined;
  const documentSecurity = isObject(document) ? document.security : undefined;
  const found: ApiOperation[] = [];
  for (const [path, rawItem] of entries(paths)) {
    const item = resolveRef(document, rawItem).value;
    if (!isObject(item)) continue;
    const shared = list(item.parameters);
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      found.push(readOperation(document, { path, method, operation, shared, documentSecurity }));
    }
  }
  return found;
}

function readOperation(
  document: unknown,
  input: {
    path: string;
    method: string;
    operation: JsonObject;
    shared: unknown[];
    documentSecurity: unknown;
  },
): ApiOperation {
  const { path, method, operation } = input;
  const source = PERMISSION_EXTENSIONS.find((key) => operation[key] != null);
  const permission = source === undefined ? undefined : operation[source];
  const security = operation.security ?? input.documentSecurity;
  return {
    id: text(operation, 'operationId') ?? `${method.toUpperCase()} ${path}`,
    method: method.toUpperCase(),
    path,
    tags: list(operation.tags).filter((tag): tag is string => typeof tag === 'string'),
    summary: text(operation, 'summary'),
    description: text(operation, 'description'),
    isDeprecated: operation.deprecated === true,
    permission:
      permission === undefined || typeof permission === 'string'
        ? permission
        : JSON.stringify(permission),
    permissionSource: source,
    security: list(security).filter(isObject).map(readRequirement),
    parameters: readParameters(document, input.shared, list(operation.parameters)),
    requestBody: readBody(document, operation.requestBody),
    responses: entries(operation.responses).map(([status, value]) =>
      readResponse(document, status, value),
    ),
  };
}

function readRequirement(requirement: JsonObject): ApiRequirement {
  return Object.entries(requirement).map(([scheme, scopes]) => ({
    scheme,
    scopes: list(scopes).filter((scope): scope is string => typeof scope === 'string'),
  }));
}

/** Path-level parameters apply unless the operation redefines one (same name and place). */
function readParameters(document: unknown, shared: unknown[], own: unknown[]): ApiParameter[] {
  const byKey = new Map<string, ApiParameter>();
  for (const raw of [...shared, ...own]) {
    const value = resolveRef(document, raw).value;
    const name = text(value, 'name');
    const place = text(value, 'in');
    if (!isObject(value) || name === undefined || place === undefined) continue;
    byKey.set(`${place}:${name}`, {
      name,
      in: place,
      isRequired: value.required === true || place === 'path',
      description: text(value, 'description'),
      schema: value.schema ?? firstSchema(value.content),
    });
  }
  return [...byKey.values()];
}

function firstSchema(content: unknown): unknown {
  const [first] = entries(content);
  return first && isObject(first[1]) ? first[1].schema : undefined;
}

function readContent(content: unknown): ApiContent[] {
  return entries(content).map(([mediaType, value]) => ({
    mediaType,
    schema: isObject(value) ? value.schema : undefined,
    description: text(value, 'description'),
  }));
}

function readBody(document: unknown, raw: unknown): ApiBody | undefined {
  if (raw === undefined) return undefined;
  const value = resolveRef(document, raw).value;
  return {
    isRequired: isObject(value) && value.required === true,
    description: text(value, 'description'),
    content: readContent(isObject(value) ? value.content : undefined),
  };
}

function readResponse(document: unknown, status: string, raw: unknown): ApiResponse {
  const value = resolveRef(document, raw).value;
  return {
    status,
    description: text(value, 'description'),
    content: readContent(isObject(value) ? value.content : undefined),
    headers: entries(isObject(value) ? value.headers : undefined).map(([name, header]) => ({
      name,
      description: text(resolveRef(document, header).value, 'description'),
    })),
    isError: /^[45]/.test(status),
  };
}

function readScheme(name: string, value: unknown): ApiScheme {
  const type = text(value, 'type');
  const place = text(value, 'in');
  const field = text(value, 'name');
  const scheme = text(value, 'scheme');
  let how = type ?? 'unknown kind';
  if (type === 'http' && scheme?.toLowerCase() === 'bearer')
    how = 'Bearer token in the Authorization header';
  else if (type === 'http') how = `HTTP ${scheme ?? ''} authentication`.replace('  ', ' ');
  else if (type === 'apiKey' && place === 'cookie') how = `Cookie ${field ?? ''}`.trim();
  else if (type === 'apiKey') how = `${field ?? 'Key'} in the ${place ?? 'request'}`;
  else if (type === 'oauth2') how = 'OAuth 2.0';
  else if (type === 'openIdConnect') how = 'OpenID Connect';
  else if (type === 'mutualTLS') how = 'Client certificate (mutual TLS)';
  return { name, how, description: text(value, 'description') };
}

/**
 * Groups by tag in the document's tag order, then tags in order of use; an operation with two
 * tags shows under both. Untagged operations go under their path's area: `/api/v1/oem/…` → `oem`.
 */
function groupOperations(document: unknown, operations: ApiOperation[]): ApiGroup[] {
  const groups = new Map<string, ApiGroup>();
  const declared = isObject(document) ? list(document.tags) : [];
  for (const tag of declared) {
    const name = text(tag, 'name');
    if (name !== undefined)
      groups.set(name, { name, description: text(tag, 'description'), operations: [] });
  }
  for (const operation of operations) {
    const names = operation.tags.length > 0 ? operation.tags : [areaOf(operation.path)];
    for (const name of names) {
      const group = groups.get(name) ?? { name, operations: [] };
      group.operations.push(operation);
      groups.set(name, group);
    }
  }
  return [...groups.values()].filter((group) => group.operations.length > 0);
}

function areaOf(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  const rest =
    segments[0] === 'api' ? segments.slice(segments[1]?.match(/^v\d+$/) ? 2 : 1) : segments;
  const area = rest[0];
  return area === undefined || area.startsWith('{') ? 'other' : area;
}
