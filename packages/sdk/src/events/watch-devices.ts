import { Device, DeviceId } from '@tether/protocol';

/** The part of `EventSource` the watcher uses, so tests and Node can pass their own. */
export interface DeviceEventSource {
  addEventListener(type: string, listener: (event: MessageEvent<unknown>) => void): void;
  close(): void;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
}

/** Options of `watchDevices`. */
export interface WatchDevicesOptions {
  /** Called with each device that changed (connected, disconnected, new statistics). */
  onDevice: (device: Device) => void;
  /** Called with the ID of a device that was deleted (`event: deleted`): lists drop it. */
  onDeleted?: (deviceId: string) => void;
  /** `true` once the stream is open, `false` while the browser reconnects it. */
  onConnectionChange?: (isConnected: boolean) => void;
  /** Builds the event source; defaults to the global `EventSource` with credentials. */
  createSource?: (url: string) => DeviceEventSource;
}

/**
 * Follows `GET /api/v1/devices/events` (Server-Sent Events, `event: device` and `event:
 * deleted`). The browser's
 * `EventSource` reconnects by itself; events that do not parse as a `Device` are ignored rather
 * than trusted. Returns a function that stops watching.
 *
 * @example
 * const stop = watchDevices(api.deviceEventsUrl(), { onDevice: (device) => upsert(device) });
 * // later
 * stop();
 */
export function watchDevices(url: string, options: WatchDevicesOptions): () => void {
  const source = options.createSource?.(url) ?? new EventSource(url, { withCredentials: true });
  source.onopen = () => options.onConnectionChange?.(true);
  source.onerror = () => options.onConnectionChange?.(false);
  source.addEventListener('device', (event) => {
    if (typeof event.data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      // A malformed event says nothing reliable about any device; the next one will.
      return;
    }
    const parsed = Device.safeParse(json);
    if (parsed.success) options.onDevice(parsed.data);
  });
  source.addEventListener('deleted', (event) => {
    const id = typeof event.data === 'string' ? deletedId(event.data) : undefined;
    if (id) options.onDeleted?.(id);
  });
  return () => source.close();
}

/** The `id` of a `deleted` event's `{"id":"…"}`; undefined when it is anything else. */
function deletedId(data: string): string | undefined {
  try {
    const json: unknown = JSON.parse(data);
    const id = typeof json === 'object' && json !== null && 'id' in json ? json.id : undefined;
    const parsed = DeviceId.safeParse(id);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // malformed: nothing reliable to drop
  }
}
