import { z } from 'zod';
import { TenantId } from '../agent/oem-messages.js';
import {
  AppRegistrationRequest,
  AppRegistrationResponse,
  CreateDeviceKeyRequest,
  CreateDeviceKeyResponse,
  CreateScriptTokenRequest,
  CreateScriptTokenResponse,
  CreateTenantRequest,
  OemConnectQuery,
  OemDeviceList,
  RequestControlRequest,
  RequestControlResponse,
  ScriptTokenList,
  SetTenantCompatibilityRequest,
  SetTenantGroupsRequest,
  Tenant,
  TenantList,
  UnregisterDeviceRequest,
} from '../api/oem.js';
import type { ErrorCode } from '../errors.js';
import { APP_REGISTRATION_ENDPOINT } from '../oem/rollout-ipc.js';
import { endpoint } from './endpoint.js';

/**
 * The integration API (O-1 … O-6) for management vendors (RMM/MDM): roll out device keys,
 * request one-time control URLs, unregister devices. Script-token calls take
 * `Authorization: Bearer <token>`; errors are `{code, message}`. The token permission each call
 * needs is its access's `permission` (the API document says it), not repeated in the prose.
 */

/** Every script-token call: no, unknown or revoked token; a token of another tenant. */
const TOKEN_REFUSALS: readonly ErrorCode[] = ['AUTH_REQUIRED', 'TOKEN_INVALID', 'FORBIDDEN'];

/**
 * A call the server forwards to the device: no such device (or device key) for this tenant, the
 * device is offline, or it did not answer in time.
 */
const DEVICE_REFUSALS: readonly ErrorCode[] = ['NOT_FOUND', 'DEVICE_OFFLINE', 'UNAVAILABLE'];

/** The exact text an app signs for the agent's local rollout endpoint (`rolloutChallengeText`). */
const APP_REGISTRATION_DESCRIPTION = [
  '`app_key_sha256` is the SHA-256 (hex) of the DER SubjectPublicKeyInfo of the app signing key (`openssl pkey -in app.pem -pubout -outform DER | sha256sum`).',
  'The app then fetches the rollout data from the agent local socket (`<agent data>/oem-ipc/rollout.sock`), one JSON message per line: it sends `{"type":"hello","accountId":account_id,"keyId":app_key_id,"publicKey":"<SPKI PEM>"}`, the agent answers `{"type":"challenge","nonce":"<base64url>"}`, the app sends `{"type":"proof","signature":"<unpadded base64url>"}` and gets `{"type":"rollout","rollout":{RolloutKey,RequestId,RemotecontrolId}}`.',
  'The signed text is UTF-8, four lines joined by a line feed (\\n), no trailing line feed: `tether-oem-rollout-v1`, account_id, app_key_id, the nonce exactly as received. Example: `tether-oem-rollout-v1\\nt1001\\n4f6c1f0e-9a7b-4c1e-8d2a-0b5e6f7a8c9d\\nq83vEjRWeJASNFZ4kBI0VniQEjRWeJASNFZ4kBI0Vng`.',
  'Signature: Ed25519 or Ed448 (pure, no pre-hash), ECDSA with SHA-256 (DER-encoded), or RSA PKCS#1 v1.5 with SHA-256.',
].join(' ');

const UNREGISTER_DESCRIPTION =
  'Sessions opened with the key end. `DELETE /api/v1/oem/devices` and `DELETE /api/v1/oem/devices/unregister` (the path the vendor document names) are the same call.';

/** Both unregister paths are one call; only the path differs. */
function unregisterEndpoint<const Id extends string, const Path extends string>(
  id: Id,
  path: Path,
) {
  return endpoint({
    id,
    method: 'DELETE',
    path,
    summary: 'Unregister a device key',
    description: UNREGISTER_DESCRIPTION,
    access: { kind: 'scriptToken', operation: 'unregister', permission: 'deleteDeviceKey' },
    subject: 'unregister request',
    body: UnregisterDeviceRequest,
    success: { status: 204, body: undefined, description: 'The device deleted the key pair' },
    errors: [...TOKEN_REFUSALS, ...DEVICE_REFUSALS, 'INVALID_INPUT'],
  });
}

/** What integrators call with a script token of their tenant. */
export const oemDeviceEndpoints = {
  createDeviceKey: endpoint({
    id: 'oem.createDeviceKey',
    method: 'POST',
    path: '/api/v1/oem/devices/createdevicekey',
    summary: 'Create a device key on a device (rollout)',
    description:
      "`request_id` comes from the rollout file; the PEM passphrase is its RolloutKey. The PEM is PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2, AES-256-CBC), or, for tenants with the `seed-001` compatibility setting, the vendor document's `RSA PRIVATE KEY` with `Proc-Type: 4,ENCRYPTED` / `DEK-Info: AES-256-CBC,<iv>`. A rollout request ID already used answers `CONFLICT`.",
    access: { kind: 'scriptToken', operation: 'createdevicekey', permission: 'createDeviceKey' },
    subject: 'createdevicekey request',
    body: CreateDeviceKeyRequest,
    success: {
      status: 200,
      body: CreateDeviceKeyResponse,
      noStore: true,
      description: 'The device key, once',
    },
    errors: [...TOKEN_REFUSALS, ...DEVICE_REFUSALS, 'CONFLICT', 'INVALID_INPUT'],
  }),
  requestControl: endpoint({
    id: 'oem.requestControl',
    method: 'POST',
    path: '/api/v1/oem/devices/requestcontrol',
    summary: 'Request a one-time control URL',
    description:
      'Decrypt the secret (RSA-OAEP SHA-256; SHA-1 for tenants with the `seed-001` compatibility setting), HMAC-SHA512 over tenant_nonce + target_nonce + tenant_id[1:] + remotecontrol_id[1:], base64url, in place of YOUR_MASTER_SECRET. The filled URL opens one session, once, within 5 minutes (`GET /oem/connect`).',
    access: { kind: 'scriptToken', operation: 'requestcontrol', permission: 'requestControl' },
    subject: 'requestcontrol request',
    body: RequestControlRequest,
    success: {
      status: 200,
      body: RequestControlResponse,
      noStore: true,
      description: 'The encrypted secret and the URL template',
    },
    errors: [...TOKEN_REFUSALS, ...DEVICE_REFUSALS, 'INVALID_INPUT'],
  }),
  unregister: unregisterEndpoint('oem.unregister', '/api/v1/oem/devices'),
  /** The path the vendor document's prose names; its sample code uses the one above. */
  unregisterByVendorPath: unregisterEndpoint(
    'oem.unregisterByVendorPath',
    '/api/v1/oem/devices/unregister',
  ),
  listDevices: endpoint({
    id: 'oem.listDevices',
    method: 'GET',
    path: '/api/v1/oem/devices',
    summary: "The calling tenant's devices",
    description: 'Any valid script token of the tenant may list its devices.',
    access: { kind: 'scriptToken', operation: 'listdevices' },
    success: {
      status: 200,
      body: OemDeviceList,
      description: 'Devices holding a key of the tenant',
    },
    errors: ['AUTH_REQUIRED', 'TOKEN_INVALID'],
  }),
  registerApp: endpoint({
    id: 'oem.registerApp',
    method: APP_REGISTRATION_ENDPOINT.method,
    path: APP_REGISTRATION_ENDPOINT.path,
    summary: "Register an app's signing key (O-5)",
    description: APP_REGISTRATION_DESCRIPTION,
    access: { kind: 'scriptToken', operation: 'appregistrations', permission: 'manageTenants' },
    subject: 'app registration',
    body: AppRegistrationRequest,
    success: {
      status: 201,
      body: AppRegistrationResponse,
      description: 'Account ID and key ID for the local rollout endpoint',
    },
    errors: [...TOKEN_REFUSALS, 'INVALID_INPUT'],
  }),
  connect: endpoint({
    id: 'oem.connect',
    method: 'GET',
    path: '/oem/connect',
    summary: 'Open a filled control URL (once)',
    description:
      'The URL `requestcontrol` returned, with the base64url HMAC in place of YOUR_MASTER_SECRET. The first opening starts a session on the device and redirects (302) to the console page of the new session (`/oem/session/<id>#ticket=<relay ticket>`); every later one is refused. A used, expired, altered or malformed link answers `FORBIDDEN`, whatever check failed; an offline device `DEVICE_OFFLINE`. Refusals are the JSON error body, or, for browsers (Accept prefers text/html), a self-contained `text/html` page with the same status saying the link is no longer valid and to ask for a new one.',
    access: { kind: 'public' },
    subject: 'connection link',
    query: OemConnectQuery,
    success: {
      status: 302,
      body: undefined,
      noStore: true,
      description: 'To the console page of the new session (`Location` header)',
    },
    errors: ['FORBIDDEN', 'DEVICE_OFFLINE'],
  }),
};

const TenantParams = z.object({ id: TenantId });
const ScriptTokenParams = z.object({ id: z.uuid() });
const ADMINISTRATION = { kind: 'user', permission: 'oem.manage' } as const;

/** Administrators manage tenants, their device groups and script tokens (console sign-in). */
export const oemAdministrationEndpoints = {
  listTenants: endpoint({
    id: 'oem.listTenants',
    method: 'GET',
    path: '/api/v1/oem/tenants',
    summary: 'List tenants (administrators)',
    access: ADMINISTRATION,
    success: { status: 200, body: TenantList, description: 'Tenants' },
    errors: [],
  }),
  createTenant: endpoint({
    id: 'oem.createTenant',
    method: 'POST',
    path: '/api/v1/oem/tenants',
    summary: 'Create a tenant bound to device groups (administrators)',
    description:
      '`compatibility` is `standard` when left out. Each of `groups` must be an existing device group (`INVALID_INPUT` names one that is not).',
    access: ADMINISTRATION,
    subject: 'tenant',
    body: CreateTenantRequest,
    success: { status: 201, body: Tenant, description: 'The tenant' },
    errors: ['INVALID_INPUT'],
  }),
  setTenantGroups: endpoint({
    id: 'oem.setTenantGroups',
    method: 'PUT',
    path: '/api/v1/oem/tenants/:id/groups',
    summary: "Replace a tenant's device groups (administrators)",
    description: 'Each group must exist (`INVALID_INPUT` names one that does not).',
    access: ADMINISTRATION,
    subject: 'tenant groups',
    params: TenantParams,
    body: SetTenantGroupsRequest,
    success: { status: 200, body: Tenant, description: 'The tenant' },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
  setTenantCompatibility: endpoint({
    id: 'oem.setTenantCompatibility',
    method: 'PUT',
    path: '/api/v1/oem/tenants/:id/compatibility',
    summary: "Change a tenant's compatibility setting (administrators)",
    description:
      'Applies to device keys rolled out and control requested from then on; keys already handed out keep their format.',
    access: ADMINISTRATION,
    subject: 'tenant compatibility',
    params: TenantParams,
    body: SetTenantCompatibilityRequest,
    success: { status: 200, body: Tenant, description: 'The tenant' },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
  listTokens: endpoint({
    id: 'oem.listTokens',
    method: 'GET',
    path: '/api/v1/oem/tenants/:id/tokens',
    summary: "List a tenant's script tokens (administrators)",
    access: ADMINISTRATION,
    subject: 'tenant',
    params: TenantParams,
    success: { status: 200, body: ScriptTokenList, description: 'Tokens, without secrets' },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
  createToken: endpoint({
    id: 'oem.createToken',
    method: 'POST',
    path: '/api/v1/oem/tenants/:id/tokens',
    summary: 'Create a script token (administrators)',
    access: ADMINISTRATION,
    subject: 'script token',
    params: TenantParams,
    body: CreateScriptTokenRequest,
    success: {
      status: 201,
      body: CreateScriptTokenResponse,
      noStore: true,
      description: 'The token; `secret` is shown only here',
    },
    errors: ['NOT_FOUND', 'INVALID_INPUT'],
  }),
  revokeToken: endpoint({
    id: 'oem.revokeToken',
    method: 'DELETE',
    path: '/api/v1/oem/tokens/:id',
    summary: 'Revoke a script token (administrators)',
    access: ADMINISTRATION,
    subject: 'script token',
    params: ScriptTokenParams,
    success: { status: 204, body: undefined, description: 'Revoked, with immediate effect' },
    errors: ['NOT_FOUND', 'CONFLICT', 'INVALID_INPUT'],
  }),
};
