import type { HttpsClient } from './https-client.js';
/**
 * Makes sure the device group `name` exists (installers, policies and tenants refuse a group
 * that was never created), the way an administrator would: create it, and accept that it is
 * there already.
 *
 * @example
 * await ensureDeviceGroup(server.admin, 'Servers');
 */
export declare function ensureDeviceGroup(client: HttpsClient, name: string): Promise<void>;
