import { join } from 'node:path';
import {
  AuditPage,
  CreateScriptTokenResponse,
  Tenant,
  type AuditAction,
  type OemPermission,
} from '@tether/protocol';
import { createOemClient, readRolloutFile, type OemClient, type Rollout } from '@tether/sdk/node';
import { waitFor } from './cli.js';
import { ensureDeviceGroup } from './device-groups.js';
import type { HttpsClient } from './https-client.js';
import { joinTerminal, type RelayTerminal } from './terminal-client.js';
import type { TestServer } from './test-server.js';

export const ALL_PERMISSIONS: OemPermission[] = [
  'createDeviceKey',
  'requestControl',
  'deleteDeviceKey',
  'manageTenants',
];

/** Creates a tenant bound to `groups` through the administrators' API. */
export async function createTenant(
  server: TestServer,
  name: string,
  groups: string[],
): Promise<Tenant> {
  for (const group of groups) await ensureDeviceGroup(server.admin, group);
  const response = await server.admin.request('POST', '/api/v1/oem/tenants', { name, groups });
  if (response.status !== 201) throw new Error(`tenant creation failed: ${response.text}`);
  return response.json(Tenant);
}

/** Creates a script token and returns an SDK client using it, plus the token's ID. */
export async function createTokenClient(
  server: TestServer,
  tenantId: string,
  permissions: OemPermission[] = ALL_PERMISSIONS,
): Promise<{ oem: OemClient; secret: string; tokenId: string }> {
  const response = await server.admin.request('POST', `/api/v1/oem/tenants/${tenantId}/tokens`, {
    name: `test ${permissions.join(' ')}`,
    permissions,
  });
  if (response.status !== 201) throw new Error(`token creation failed: ${response.text}`);
  const { token, secret } = response.json(CreateScriptTokenResponse);
  return {
    oem: createOemClient({ baseUrl: server.url, token: secret, ca: server.ca }),
    secret,
    tokenId: token.id,
  };
}

/** The agent's current rollout file (it appears after the agent's first welcome). */
export function readRollout(agentDataDir: string): Promise<Rollout> {
  return waitFor('the rollout file', () =>
    readRolloutFile(join(agentDataDir, 'rollout.json')).catch(() => undefined),
  );
}

/** How many audit entries of `action` there are. */
export async function auditCount(server: TestServer, action: AuditAction): Promise<number> {
  const page = await server.admin.request('GET', `/api/v1/audit?action=${action}&limit=500`);
  return page.json(AuditPage).entries.length;
}

/** A console end joined by relay ticket alone (no sign-in), as the session page joins. */
export type TicketTerminal = RelayTerminal;

/** Follows a control URL's redirect target (`/oem/session/<id>#ticket=<token>`) onto the relay. */
export async function joinByTicket(client: HttpsClient, location: string): Promise<TicketTerminal> {
  const match = /^\/oem\/session\/([0-9a-f-]{36})#ticket=([A-Za-z0-9_-]+)$/.exec(location);
  if (!match) throw new Error(`unexpected session page: ${location}`);
  return joinTerminal(client, { path: `/relay/v1/${match[1] ?? ''}`, token: match[2] ?? '' });
}
