import {
  BulkDeviceReply,
  BulkDeviceRequest,
  UpdateDeviceRequest,
} from '../api/device-lifecycle.js';
import { endpoint } from './endpoint.js';
import { DeviceParams, DeviceReply } from './devices.js';

/**
 * A device's life in the fleet (issue 15): renamed, described, tagged, moved, deleted — one at a
 * time or many at once. Every change needs the `devices.manage` right on the device's group
 * (its role's ceiling is `installers.manage`), is audited and shows in open consoles at once.
 *
 * @example
 * await callEndpoint(transport, deviceLifecycleEndpoints.update, { params: { id }, body: { name: 'Kiosk 3' } });
 */
export const deviceLifecycleEndpoints = {
  update: endpoint({
    id: 'devices.update',
    method: 'PATCH',
    path: '/api/v1/devices/:id',
    summary: 'Rename, describe, tag or move a device',
    description:
      'Changes the fields given and keeps the others. The name is what the console shows (the hostname stays what the device reports). `group` moves the device: it needs `devices.manage` on the group it leaves and on the one it joins, and the group must exist (`INVALID_INPUT` otherwise). Tags are trimmed and kept once each.',
    access: { kind: 'user', permission: 'installers.manage' },
    subject: 'device change',
    params: DeviceParams,
    body: UpdateDeviceRequest,
    success: { status: 200, body: DeviceReply },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN'],
  }),
  remove: endpoint({
    id: 'devices.delete',
    method: 'DELETE',
    path: '/api/v1/devices/:id',
    summary: 'Delete a device',
    description:
      'Its sessions end, its unattended access is revoked and its agent, when online, is told to uninstall itself. The device leaves the lists (`GET` answers `NOT_FOUND`); its sessions, recordings and audit entries keep it. Should its agent come back, it is refused — after it proved its key — and told again to uninstall. To have the machine back, install the agent anew.',
    access: { kind: 'user', permission: 'installers.manage' },
    params: DeviceParams,
    success: { status: 204, body: undefined },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN'],
  }),
  bulk: endpoint({
    id: 'devices.bulk',
    method: 'POST',
    path: '/api/v1/devices/bulk',
    summary: 'Move, tag, untag, delete, upgrade or wake many devices',
    description:
      'One action on up to 1,000 devices. Each device is checked and changed on its own, so the answer is one result per device (`ok`, or the `error` that stopped it: `NOT_FOUND`, `FORBIDDEN`, …). `move` needs `group`, `tag`/`untag` need `tags`. `upgrade` queues the devices for the upgrade target (they are offered it within the upgrade limits when online); `wake` sends a wake-up to passive agents or Wake-on-LAN through an online neighbour.',
    access: { kind: 'user', permission: 'installers.manage' },
    subject: 'bulk device action',
    body: BulkDeviceRequest,
    success: { status: 200, body: BulkDeviceReply },
    errors: ['INVALID_INPUT'],
  }),
};
