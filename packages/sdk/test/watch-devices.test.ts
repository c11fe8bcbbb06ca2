import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Device } from '@tether/protocol';
import { watchDevices, type DeviceEventSource } from '../src/index.js';

class FakeSource implements DeviceEventSource {
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  isClosed = false;
  readonly listeners = new Map<string, (event: MessageEvent<unknown>) => void>();
  addEventListener(type: string, listener: (event: MessageEvent<unknown>) => void): void {
    this.listeners.set(type, listener);
  }
  close(): void {
    this.isClosed = true;
  }
  emit(data: unknown, type = 'device'): void {
    this.listeners.get(type)?.(new MessageEvent(type, { data }));
  }
}

const device = {
  id: '0b6f4d2e-8f1a-4c3b-9d2e-5f6a7b8c9d0e',
  name: 'web-01',
  group: 'Servers',
  hostname: '<img src=x onerror=alert(1)>',
  os: { platform: 'linux', release: '6.1', name: 'Debian', arch: 'x64' },
  agentVersion: '0.1.0',
  online: false,
  enrolledAt: '2025-01-01T00:00:00.000Z',
  lastSeenAt: '2025-01-02T00:00:00.000Z',
  stats: null,
  statsAt: null,
  userPresence: null,
};

describe('watchDevices', () => {
  it('delivers valid device events, ignores malformed ones, and closes the source', () => {
    const source = new FakeSource();
    const seen: Device[] = [];
    const states: boolean[] = [];
    const stop = watchDevices('/api/v1/devices/events', {
      onDevice: (changed) => seen.push(changed),
      onConnectionChange: (isConnected) => states.push(isConnected),
      createSource: () => source,
    });
    source.onopen?.(new Event('open'));
    source.emit(JSON.stringify(device));
    source.emit('{not json');
    source.emit(JSON.stringify({ ...device, online: 'maybe' }));
    source.onerror?.(new Event('error'));
    stop();
    assert.deepEqual(
      seen.map((changed) => changed.hostname),
      ['<img src=x onerror=alert(1)>'],
    );
    assert.deepEqual(states, [true, false]);
    assert.equal(source.isClosed, true);
  });

  it('reports deleted devices by ID and ignores malformed deletions', () => {
    const source = new FakeSource();
    const deleted: string[] = [];
    watchDevices('/api/v1/devices/events', {
      onDevice: () => undefined,
      onDeleted: (id) => deleted.push(id),
      createSource: () => source,
    });
    source.emit(JSON.stringify({ id: device.id }), 'deleted');
    source.emit('{"id":"not-an-id"}', 'deleted');
    source.emit('not json', 'deleted');
    assert.deepEqual(deleted, [device.id]);
  });
});
