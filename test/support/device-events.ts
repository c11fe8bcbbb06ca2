import { request as httpsRequest } from 'node:https';
import { Device } from '@tether/protocol';
import type { TestServer } from './test-server.js';

/** The console's device event stream, read as the console reads it. */
export interface DeviceEventStream {
  /** Everything received so far, as text. */
  received(): string;
  /** The `device` events received so far, each parsed as a Device. */
  devices(): Device[];
  /** Settles when the server ends the stream (its login ended) or it is closed here. */
  closed: Promise<void>;
  close(): void;
}

/**
 * Opens the console's device event stream with a login cookie (the admin's by default);
 * resolves once the first bytes arrive, so that no later event is missed.
 *
 * @example
 * const stream = await openDeviceEvents(server);
 * await waitFor('the device online', () => stream.devices().find((device) => device.online));
 */
export function openDeviceEvents(
  server: TestServer,
  cookie = server.admin.cookie ?? '',
): Promise<DeviceEventStream> {
  const url = new URL('/api/v1/devices/events', server.url);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { ca: server.ca, headers: { origin: url.origin, cookie } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`event stream refused with ${response.statusCode}`));
          return;
        }
        let text = '';
        const closed = new Promise<void>((done) => response.once('close', () => done()));
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        const devices = (): Device[] =>
          [...text.matchAll(/^event: device\ndata: (.*)$/gm)].map((match) =>
            Device.parse(JSON.parse(match[1] ?? '')),
          );
        response.once('data', () =>
          resolve({ received: () => text, devices, closed, close: () => request.destroy() }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}
