import { z } from 'zod';
import {
  AppRegistrationRequest,
  AppRegistrationResponse,
  CreateDeviceKeyRequest,
  CreateDeviceKeyResponse,
  CreateScriptTokenRequest,
  CreateScriptTokenResponse,
  CreateTenantRequest,
  ErrorBody,
  OemConnectQuery,
  OemDeviceList,
  RequestControlRequest,
  RequestControlResponse,
  SESSION_COOKIE,
  ScriptTokenList,
  SetTenantCompatibilityRequest,
  SetTenantGroupsRequest,
  Tenant,
  TenantList,
  UnregisterDeviceRequest,
} from '@tether/protocol';

type JsonObject = Record<string, unknown>;

/** Request bodies are described as clients send them, answers as the server sends them. */
const schemas: Record<string, { schema: z.ZodType; io: 'input' | 'output' }> = {
  ErrorBody: { schema: ErrorBody, io: 'output' },
  CreateDeviceKeyRequest: { schema: CreateDeviceKeyRequest, io: 'input' },
  CreateDeviceKeyResponse: { schema: CreateDeviceKeyResponse, io: 'output' },
  RequestControlRequest: { schema: RequestControlRequest, io: 'input' },
  RequestControlResponse: { schema: RequestControlResponse, io: 'output' },
  UnregisterDeviceRequest: { schema: UnregisterDeviceRequest, io: 'input' },
  AppRegistrationRequest: { schema: AppRegistrationRequest, io: 'input' },
  AppRegistrationResponse: { schema: AppRegistrationResponse, io: 'output' },
  OemDeviceList: { schema: OemDeviceList, io: 'output' },
  CreateTenantRequest: { schema: CreateTenantRequest, io: 'input' },
  SetTenantGroupsRequest: { schema: SetTenantGroupsRequest, io: 'input' },
  SetTenantCompatibilityRequest: { schema: SetTenantCompatibilityRequest, io: 'input' },
  Tenant: { schema: Tenant, io: 'output' },
  TenantList: { schema: TenantList, io: 'output' },
  CreateScriptTokenRequest: { schema: CreateScriptTokenRequest, io: 'input' },
  CreateScriptTokenResponse: { schema: CreateScriptTokenResponse, io: 'output' },
  ScriptTokenList: { schema: ScriptTokenList, io: 'output' },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  // `$schema` is implied by OpenAPI 3.1 (JSON Schema 2020-12) and not allowed inside components.
  const generated: JsonObject = { ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }) };
  delete generated.$schema;
  return generated;
}

/** The exact text an app signs for the local rollout endpoint (see `rolloutChallengeText`). */
const APP_REGISTRATION_DESCRIPTION = [
  'Needs the manageTenants permission. `app_key_sha256` is the SHA-256 (hex) of the DER SubjectPublicKeyInfo of the app signing key (`openssl pkey -in app.pem -pubout -outform DER | sha256sum`).',
  'The app then fetches the rollout data from the agent local socket (`<agent data>/oem-ipc/rollout.sock`), one JSON message per line: it sends `{"type":"hello","accountId":account_id,"keyId":app_key_id,"publicKey":"<SPKI PEM>"}`, the agent answers `{"type":"challenge","nonce":"<base64url>"}`, the app sends `{"type":"proof","signature":"<unpadded base64url>"}` and gets `{"type":"rollout","rollout":{RolloutKey,RequestId,RemotecontrolId}}`.',
  'The signed text is UTF-8, four lines joined by a line feed (\\n), no trailing line feed: `tether-oem-rollout-v1`, account_id, app_key_id, the nonce exactly as received. Example: `tether-oem-rollout-v1\\nt1001\\n4f6c1f0e-9a7b-4c1e-8d2a-0b5e6f7a8c9d\\nq83vEjRWeJASNFZ4kBI0VniQEjRWeJASNFZ4kBI0Vng`.',
  'Signature: Ed25519 or Ed448 (pure, no pre-hash), ECDSA with SHA-256 (DER-encoded), or RSA PKCS#1 v1.5 with SHA-256.',
].join(' ');

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string): JsonObject => ({
  content: { 'application/json': { schema: ref(name) } },
});

/** Every endpoint with a body: Fastify refuses it before the route, with our error shape. */
const MALFORMED_BODY =
  'The body is not JSON (malformed, or another Content-Type): `{"code": "INVALID_INPUT", "message": "The request body is not valid JSON."}`';

const ERRORS: Record<string, string> = {
  '401': 'No script token, or an unknown or revoked one',
  '403': 'The token lacks the permission or belongs to another tenant',
  '404': 'No such device (or device key) for this tenant',
  '409': 'The device is offline',
  '422':
    'Invalid body (well-formed JSON, wrong fields): `INVALID_INPUT`, the message names the fields',
  '503': 'The device did not answer in time',
};

/** Answers that carry a secret say so: clients and proxies must not keep them. */
const NO_STORE = {
  'Cache-Control': {
    description: '`no-store`: the answer carries a secret',
    schema: { type: 'string', const: 'no-store' },
  },
};

function operation(input: {
  summary: string;
  description?: string;
  security: 'scriptToken' | 'consoleSession';
  body?: string;
  ok: { status: string; description: string; schema?: string; isSecret?: boolean };
}): JsonObject {
  const errors = Object.fromEntries(
    Object.entries({ ...(input.body ? { '400': MALFORMED_BODY } : {}), ...ERRORS }).map(
      ([status, description]) => [status, { description, ...json('ErrorBody') }],
    ),
  );
  return {
    summary: input.summary,
    ...(input.description ? { description: input.description } : {}),
    security: [{ [input.security]: [] }],
    ...(input.body ? { requestBody: { required: true, ...json(input.body) } } : {}),
    responses: {
      [input.ok.status]: {
        description: input.ok.description,
        ...(input.ok.isSecret ? { headers: NO_STORE } : {}),
        ...(input.ok.schema ? json(input.ok.schema) : {}),
      },
      ...errors,
    },
  };
}

function connectParameters(): JsonObject[] {
  const query = jsonSchema(OemConnectQuery, 'input');
  const properties = (query.properties ?? {}) as Record<string, JsonObject>;
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: true,
    schema,
  }));
}

/**
 * The OpenAPI 3.1 document of the integration API, generated from the zod schemas the routes
 * validate with (`GET /api/v1/openapi.json`).
 *
 * @example
 * const document = oemOpenApiDocument('https://support.example.com');
 */
export function oemOpenApiDocument(publicUrl: string): JsonObject {
  const unregisterOperation = operation({
    summary: 'Unregister a device key',
    description:
      'Needs the deleteDeviceKey permission. Sessions opened with the key end. `DELETE /api/v1/oem/devices` and `DELETE /api/v1/oem/devices/unregister` (the path the vendor document names) are the same call.',
    security: 'scriptToken',
    body: 'UnregisterDeviceRequest',
    ok: { status: '204', description: 'The device deleted the key pair' },
  });
  const refusedLink = {
    content: {
      'application/json': { schema: ref('ErrorBody') },
      // A media type has no description of its own (OpenAPI 3.1); the schema carries it.
      'text/html': {
        schema: {
          type: 'string',
          description:
            'For browsers (Accept prefers text/html): a page saying the link is no longer valid and to ask for a new one',
        },
      },
    },
  };
  const tenantId = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^t\\d{1,18}$' },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tether integration API',
      version: '1',
      description:
        'For management vendors (RMM/MDM): roll out device keys, request one-time control URLs, unregister devices. Script-token calls take `Authorization: Bearer <token>`; errors are `{code, message}`.',
    },
    servers: [{ url: publicUrl }],
    paths: {
      '/api/v1/oem/devices/createdevicekey': {
        post: operation({
          summary: 'Create a device key on a device (rollout)',
          description:
            "Needs the createDeviceKey permission. `request_id` comes from the rollout file; the PEM passphrase is its RolloutKey. The PEM is PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2, AES-256-CBC), or, for tenants with the `seed-001` compatibility setting, the vendor document's `RSA PRIVATE KEY` with `Proc-Type: 4,ENCRYPTED` / `DEK-Info: AES-256-CBC,<iv>`.",
          security: 'scriptToken',
          body: 'CreateDeviceKeyRequest',
          ok: {
            status: '200',
            description: 'The device key, once',
            schema: 'CreateDeviceKeyResponse',
            isSecret: true,
          },
        }),
      },
      '/api/v1/oem/devices/requestcontrol': {
        post: operation({
          summary: 'Request a one-time control URL',
          description:
            'Needs the requestControl permission. Decrypt the secret (RSA-OAEP SHA-256; SHA-1 for tenants with the `seed-001` compatibility setting), HMAC-SHA512 over tenant_nonce + target_nonce + tenant_id[1:] + remotecontrol_id[1:], base64url, in place of YOUR_MASTER_SECRET.',
          security: 'scriptToken',
          body: 'RequestControlRequest',
          ok: {
            status: '200',
            description: 'The encrypted secret and the URL template',
            schema: 'RequestControlResponse',
            isSecret: true,
          },
        }),
      },
      '/api/v1/oem/devices': {
        get: operation({
          summary: "The calling tenant's devices",
          security: 'scriptToken',
          ok: {
            status: '200',
            description: 'Devices holding a key of the tenant',
            schema: 'OemDeviceList',
          },
        }),
        delete: unregisterOperation,
      },
      '/api/v1/oem/devices/unregister': { delete: unregisterOperation },
      '/api/v1/oem/appregistrations': {
        post: operation({
          summary: "Register an app's signing key (O-5)",
          description: APP_REGISTRATION_DESCRIPTION,
          security: 'scriptToken',
          body: 'AppRegistrationRequest',
          ok: {
            status: '201',
            description: 'Account ID and key ID for the local rollout endpoint',
            schema: 'AppRegistrationResponse',
          },
        }),
      },
      '/oem/connect': {
        get: {
          summary: 'Open a filled control URL (once)',
          parameters: connectParameters(),
          responses: {
            '302': { description: 'To the console page of the new session' },
            '403': { description: 'Used, expired or altered link', ...refusedLink },
            '409': { description: 'The device is offline', ...refusedLink },
          },
        },
      },
      '/api/v1/oem/tenants': {
        get: operation({
          summary: 'List tenants (administrators)',
          security: 'consoleSession',
          ok: { status: '200', description: 'Tenants', schema: 'TenantList' },
        }),
        post: operation({
          summary: 'Create a tenant bound to device groups (administrators)',
          security: 'consoleSession',
          body: 'CreateTenantRequest',
          ok: { status: '201', description: 'The tenant', schema: 'Tenant' },
        }),
      },
      '/api/v1/oem/tenants/{id}/groups': {
        put: {
          ...operation({
            summary: "Replace a tenant's device groups (administrators)",
            security: 'consoleSession',
            body: 'SetTenantGroupsRequest',
            ok: { status: '200', description: 'The tenant', schema: 'Tenant' },
          }),
          parameters: [tenantId],
        },
      },
      '/api/v1/oem/tenants/{id}/compatibility': {
        put: {
          ...operation({
            summary: "Change a tenant's compatibility setting (administrators)",
            description:
              'Applies to device keys rolled out and control requested from then on; keys already handed out keep their format.',
            security: 'consoleSession',
            body: 'SetTenantCompatibilityRequest',
            ok: { status: '200', description: 'The tenant', schema: 'Tenant' },
          }),
          parameters: [tenantId],
        },
      },
      '/api/v1/oem/tenants/{id}/tokens': {
        get: {
          ...operation({
            summary: "List a tenant's script tokens (administrators)",
            security: 'consoleSession',
            ok: {
              status: '200',
              description: 'Tokens, without secrets',
              schema: 'ScriptTokenList',
            },
          }),
          parameters: [tenantId],
        },
        post: {
          ...operation({
            summary: 'Create a script token (administrators)',
            security: 'consoleSession',
            body: 'CreateScriptTokenRequest',
            ok: {
              status: '201',
              description: 'The token; `secret` is shown only here',
              schema: 'CreateScriptTokenResponse',
              isSecret: true,
            },
          }),
          parameters: [tenantId],
        },
      },
      '/api/v1/oem/tokens/{id}': {
        delete: {
          ...operation({
            summary: 'Revoke a script token (administrators)',
            security: 'consoleSession',
            ok: { status: '204', description: 'Revoked, with immediate effect' },
          }),
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          ],
        },
      },
    },
    components: {
      securitySchemes: {
        scriptToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A script token of the tenant',
        },
        consoleSession: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      },
      schemas: Object.fromEntries(
        Object.entries(schemas).map(([name, { schema, io }]) => [name, jsonSchema(schema, io)]),
      ),
    },
  };
}
