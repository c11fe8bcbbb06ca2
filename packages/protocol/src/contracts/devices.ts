import { z } from 'zod';
import { Device, DeviceList } from '../api/devices.js';
import { DeviceListQuery } from '../api/device-query.js';
import { EffectivePolicyView } from '../api/effective-policy.js';
import { DeviceId } from '../ids.js';
import { endpoint } from './endpoint.js';

/** The path of one device: `/api/v1/devices/:id`. */
export const DeviceParams = z.object({ id: DeviceId });

/** Reply of `GET /api/v1/devices/:id`. */
export const DeviceReply = z.object({ device: Device });
export type DeviceReply = z.infer<typeof DeviceReply>;

/** Devices as technicians see them: list, one device, live changes, what applies to it. */
export const deviceEndpoints = {
  list: endpoint({
    id: 'devices.list',
    method: 'GET',
    path: '/api/v1/devices',
    summary: 'List devices',
    description: [
      'One page of the devices the user may see (groups with the `device.view` right), each with its presence, latest statistics and live unattended access, and `total`: how many match.',
      '',
      'Filters combine with AND: `search` (part of the name, hostname, a tag or the comments, ignoring case), `group`, `tag`, `os`, `version` (exact values), `online`, `lost` (`true`/`false`) and `presence` (`present`, `locked`, `absent`). `sort` is `name` (default), `group`, `lastSeen` (online devices count as seen now), `os`, `version` or `online`, in `order` `asc` (default) or `desc`; ties go by name from A to Z (letter case ignored). `limit` (default 100, at most 1000) and `offset` page through the result.',
      '',
      'Without a query the answer is the first 100 devices by name: a client that reads `devices` only sees a fleet of up to 100 whole.',
    ].join('\n'),
    access: { kind: 'user', permission: 'devices.view' },
    subject: 'device list query',
    query: DeviceListQuery,
    success: { status: 200, body: DeviceList },
    errors: ['INVALID_INPUT'],
  }),
  events: endpoint({
    id: 'devices.events',
    method: 'GET',
    path: '/api/v1/devices/events',
    summary: 'Follow device changes (Server-Sent Events)',
    description: [
      'A `text/event-stream` that stays open. Each change of a device (it connects or disconnects, reports statistics or user presence, its unattended access changes) is one event:',
      '',
      '```',
      'event: device',
      'data: {"id":"…","name":"web-01","online":true,…}',
      '```',
      '',
      'where `data` is the whole device as `GET /api/v1/devices/{id}` shows it (the `Device` schema). Comment lines (`: connected` at the start, `: keep-alive` every 25 s) carry no data. The stream ends when its session signs out or its password is reset; a browser `EventSource` reconnects by itself.',
    ].join('\n'),
    access: { kind: 'user', permission: 'devices.view' },
    success: { status: 200, body: undefined, contentType: 'text/event-stream' },
    errors: [],
  }),
  get: endpoint({
    id: 'devices.get',
    method: 'GET',
    path: '/api/v1/devices/:id',
    summary: 'Read one device',
    access: { kind: 'user', permission: 'devices.view' },
    subject: 'device',
    params: DeviceParams,
    success: { status: 200, body: DeviceReply },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
  effectivePolicy: endpoint({
    id: 'devices.effectivePolicy',
    method: 'GET',
    path: '/api/v1/devices/:id/effective-policy',
    summary: 'Explain the policy that applies to a device',
    description:
      'The settings in force on the device, the policy (device or group level) each comes from, and any conflicts between policies.',
    access: { kind: 'user', permission: 'devices.view' },
    subject: 'device',
    params: DeviceParams,
    success: { status: 200, body: EffectivePolicyView },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
};
