import {
  authEndpoints,
  deviceEndpoints,
  endpointPath,
  installerEndpoints,
  recordingEndpoints,
  sessionEndpoints,
  settingsEndpoints,
  CreateInstallerResponse,
  StatisticsSettings,
  StatisticsSettingsView,
  type CreateInstallerRequest,
  type ExtendInstallerRequest,
  type ExtendInstallerResponse,
  type CreateSessionRequest,
  type CreateSessionResponse,
  type Device,
  type DeviceList,
  type DeviceListQuery,
  MAX_DEVICE_PAGE,
  type EffectivePolicyView,
  type Installer,
  type LoginRequest,
  type LoginResponse,
  type SignInResponse,
  type ContinueSignInRequest,
  type Recording,
  type Session,
  type AnyEndpoint,
  type EndpointRequest,
  type EndpointResponse,
} from '@tether/protocol';
import type { HttpTransport } from './http-request.js';
import { callEndpoint, callEndpointText } from './call-endpoint.js';
import { createAuditClient, type AuditClient } from './audit-client.js';
import { createDeviceGroupClient, type DeviceGroupClient } from './device-group-client.js';
import { createPolicyClient, type PolicyClient } from './policy-client.js';
import { createUnattendedClient, type UnattendedClient } from './unattended-client.js';
import { createRoleClient, type RoleClient } from './role-client.js';
import { createUserClient, type UserClient } from './user-client.js';
import { createSignInClient, type SignInClient } from './sign-in-client.js';
import { createUserImportClient, type UserImportClient } from './user-import-client.js';
import { createTeamClient, type TeamClient } from './team-client.js';
import { createSecondFactorClient, type SecondFactorClient } from './second-factor-client.js';
import { createDirectoryClient, type DirectoryClient } from './directory-client.js';
import { createSsoClient, type SsoClient } from './sso-client.js';
import { createServerKeyClient, type ServerKeyClient } from './server-key-client.js';
import { createBackupClient, type BackupClient } from './backup-client.js';
import { createTlsClient, type TlsClient } from './tls-client.js';

/** Options of `createTetherClient`. */
export interface TetherClientOptions {
  /** Origin (and optional path prefix) of the server; empty or absent means same origin. */
  baseUrl?: string;
  /** The fetch to use; defaults to the global one. Tests pass a fake. */
  fetch?: typeof fetch;
  /** Extra headers on every request, e.g. a `cookie` when running outside a browser. */
  headers?: Record<string, string>;
  /**
   * Origin of the admin listener (`https://host:7615`), where `call` sends the contracts with
   * `listener: 'admin'`; defaults to `baseUrl` (the admin console calls its own origin).
   */
  adminBaseUrl?: string;
}

/** The typed client of the Tether HTTP API. Every reply is validated; every failure is an `AppError`. */
export interface TetherClient
  extends
    AuditClient,
    PolicyClient,
    UnattendedClient,
    UserClient,
    RoleClient,
    SignInClient,
    UserImportClient,
    TeamClient,
    DeviceGroupClient,
    SecondFactorClient,
    DirectoryClient,
    ServerKeyClient,
    BackupClient,
    SsoClient,
    TlsClient {
  /**
   * Calls any endpoint through its contract, its reply validated. A contract of the admin
   * listener goes to `adminBaseUrl`.
   *
   * @example
   * const { networks } = await api.call(trustedNetworkEndpoints.get, {});
   */
  call<E extends AnyEndpoint>(target: E, request: EndpointRequest<E>): Promise<EndpointResponse<E>>;
  /** Signs in; the reply is the user, or a further step (second factor, directory challenge). */
  login(request: LoginRequest): Promise<SignInResponse>;
  /** Answers the step a sign-in returned. */
  continueLogin(request: ContinueSignInRequest): Promise<SignInResponse>;
  logout(): Promise<void>;
  /**
   * The signed-in user and their effective permissions; rejects with `AUTH_REQUIRED` when
   * nobody is.
   */
  me(): Promise<LoginResponse>;
  /**
   * Every device the user may see, by name: pages through the list, so on a large fleet prefer
   * {@link TetherClient.queryDevices} with a filter.
   */
  listDevices(): Promise<Device[]>;
  /** One page of the device list: search, filters, sort, paging, and the total that match. */
  queryDevices(query?: DeviceListQuery): Promise<DeviceList>;
  getDevice(deviceId: string): Promise<Device>;
  /** What applies to a device, with the source of each setting and any conflicts. */
  getEffectivePolicy(deviceId: string): Promise<EffectivePolicyView>;
  /** URL of the Server-Sent Events stream of device changes (`event: device`). */
  deviceEventsUrl(): string;
  createSession(request: CreateSessionRequest): Promise<CreateSessionResponse>;
  listSessions(query?: { deviceId?: string }): Promise<Session[]>;
  endSession(sessionId: string): Promise<void>;
  listRecordings(): Promise<Recording[]>;
  getRecording(recordingId: string): Promise<Recording>;
  /** The asciicast v2 text of a recording; parse it with `parseAsciicast`. */
  getRecordingContent(recordingId: string): Promise<string>;
  /**
   * URL of a recording's file as a download (a link's `href`): asciicast v2 (`.cast`) for a
   * terminal, the Tether timeline (`.jsonl`) for files and desktop sessions.
   */
  recordingDownloadUrl(recordingId: string): string;
  listInstallers(): Promise<Installer[]>;
  createInstaller(request: CreateInstallerRequest): Promise<CreateInstallerResponse>;
  revokeInstaller(installerId: string): Promise<void>;
  /** A new expiry, `validForSec` from now; answers the token for it. */
  extendInstaller(
    installerId: string,
    request: ExtendInstallerRequest,
  ): Promise<ExtendInstallerResponse>;
  /** The fleet's statistics settings, and the interval in force on this server. */
  getStatisticsSettings(): Promise<StatisticsSettingsView>;
  updateStatisticsSettings(settings: StatisticsSettings): Promise<StatisticsSettingsView>;
}

/**
 * Creates the typed API client used by the console and the CLI.
 *
 * @example
 * const api = createTetherClient();
 * await api.login({ username: 'admin', password });
 * const devices = await api.listDevices();
 */
export function createTetherClient(options: TetherClientOptions = {}): TetherClient {
  const transport: HttpTransport = {
    baseUrl: (options.baseUrl ?? '').replace(/\/+$/, ''),
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    headers: options.headers ?? {},
  };

  const adminTransport: HttpTransport =
    options.adminBaseUrl === undefined
      ? transport
      : { ...transport, baseUrl: options.adminBaseUrl.replace(/\/+$/, '') };

  return {
    call: (target, request) =>
      callEndpoint(target.listener === 'admin' ? adminTransport : transport, target, request),
    ...createAuditClient(transport),
    ...createPolicyClient(transport),
    ...createUnattendedClient(transport),
    ...createUserClient(transport),
    ...createRoleClient(transport),
    ...createSignInClient(transport),
    ...createUserImportClient(transport),
    ...createTeamClient(transport),
    ...createDeviceGroupClient(transport),
    ...createSecondFactorClient(transport, adminTransport),
    ...createDirectoryClient(adminTransport),
    ...createSsoClient(transport, adminTransport),
    ...createServerKeyClient(transport),
    ...createBackupClient(transport),
    ...createTlsClient(transport),
    login: (request) => callEndpoint(transport, authEndpoints.login, { body: request }),
    logout: () => callEndpoint(transport, authEndpoints.logout, {}),
    continueLogin: (request) =>
      callEndpoint(transport, authEndpoints.continueLogin, { body: request }),
    me: () => callEndpoint(transport, authEndpoints.me, {}),
    listDevices: async () => {
      const devices: Device[] = [];
      for (;;) {
        const page = await callEndpoint(transport, deviceEndpoints.list, {
          query: { limit: MAX_DEVICE_PAGE, offset: devices.length },
        });
        devices.push(...page.devices);
        if (page.devices.length === 0 || devices.length >= page.total) return devices;
      }
    },
    queryDevices: (query = {}) => callEndpoint(transport, deviceEndpoints.list, { query }),
    getDevice: async (deviceId) =>
      (await callEndpoint(transport, deviceEndpoints.get, { params: { id: deviceId } })).device,
    getEffectivePolicy: (deviceId) =>
      callEndpoint(transport, deviceEndpoints.effectivePolicy, { params: { id: deviceId } }),
    deviceEventsUrl: () => `${transport.baseUrl}${deviceEndpoints.events.path}`,
    createSession: (request) => callEndpoint(transport, sessionEndpoints.create, { body: request }),
    listSessions: async (filter = {}) =>
      (
        await callEndpoint(transport, sessionEndpoints.list, {
          query: { deviceId: filter.deviceId },
        })
      ).sessions,
    endSession: (sessionId) =>
      callEndpoint(transport, sessionEndpoints.end, { params: { id: sessionId } }),
    listRecordings: async () =>
      (await callEndpoint(transport, recordingEndpoints.list, {})).recordings,
    getRecording: async (recordingId) =>
      (await callEndpoint(transport, recordingEndpoints.get, { params: { id: recordingId } }))
        .recording,
    getRecordingContent: (recordingId) =>
      callEndpointText(transport, recordingEndpoints.content, { params: { id: recordingId } }),
    recordingDownloadUrl: (recordingId) =>
      `${transport.baseUrl}${endpointPath(recordingEndpoints.content, { id: recordingId })}`,
    listInstallers: async () =>
      (await callEndpoint(transport, installerEndpoints.list, {})).installers,
    createInstaller: (request) =>
      callEndpoint(transport, installerEndpoints.create, { body: request }),
    revokeInstaller: (installerId) =>
      callEndpoint(transport, installerEndpoints.revoke, { params: { id: installerId } }),
    extendInstaller: (installerId, request) =>
      callEndpoint(transport, installerEndpoints.extend, {
        params: { id: installerId },
        body: request,
      }),
    getStatisticsSettings: () => callEndpoint(transport, settingsEndpoints.getStatistics, {}),
    updateStatisticsSettings: (settings) =>
      callEndpoint(transport, settingsEndpoints.setStatistics, { body: settings }),
  };
}
