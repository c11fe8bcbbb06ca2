import { WakeRequest, WakeResult } from '../api/wake.js';
import { DeviceParams } from './devices.js';
import { endpoint } from './endpoint.js';

/** Waking an offline device. */
export const wakeEndpoints = {
  wake: endpoint({
    id: 'devices.wake',
    method: 'POST',
    path: '/api/v1/devices/:id/wake',
    summary: 'Wake an offline device',
    description: [
      'A passive agent (connection type `passive`) is sent a wake-up signed with the server key at the addresses it last connected from, on its passive port (default 5832); it connects back at once.',
      '',
      'Otherwise (or when it does not answer), Wake-on-LAN magic packets for each of its network cards are sent by an online agent on the same subnet or behind the same default gateway, to the subnet broadcast address on UDP port 9, with the SecureOn password if one is given.',
      '',
      'Each device can be woken once every 30 seconds: sooner is `RATE_LIMITED` (`details.retryAfterSec`). `CONFLICT` when the device is online; `UNAVAILABLE` when neither way can reach it (the message says why). Audited as `device.wake`. Needs the `device.view` right on the device and the `sessions.open` permission.',
    ].join('\n'),
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'wake request',
    params: DeviceParams,
    body: WakeRequest,
    success: { status: 200, body: WakeResult },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'UNAVAILABLE'],
  }),
};
