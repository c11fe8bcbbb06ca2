import type { HttpsClient } from './https-client.js';

/**
 * Makes sure the device group `name` exists (installers, policies and tenants refuse a group
 * that was never created), the way an administrator would: create it, and accept that it is
 * there already.
 *
 * @example
 * await ensureDeviceGroup(server.admin, 'Servers');
 */
export async function ensureDeviceGroup(client: HttpsClient, name: string): Promise<void> {
  const response = await client.request('POST', '/api/v1/device-groups', { name });
  if (response.status !== 201 && response.status !== 409)
    throw new Error(`device group creation failed: ${response.status} ${response.text}`);
}
