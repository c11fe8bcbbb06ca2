import { CreateSessionResponse } from '@tether/protocol';
import type { HttpsClient } from './https-client.js';
import { waitFor } from './cli.js';

/** A technician's desktop, driven like noVNC drives it: RFB over the relay WebSocket. */
export interface RfbClient {
  session: CreateSessionResponse;
  width: number;
  height: number;
  /** Bytes of framebuffer updates received so far. */
  receivedBytes(): number;
  /** Clicks at (x, y) with the left button. */
  click(x: number, y: number): void;
  /** Types ASCII text; `\n` is sent as Return. */
  type(text: string): void;
  close(): Promise<{ code: number; reason: string }>;
}

/**
 * Opens a desktop session and does the RFB 3.8 handshake the agent presents (security type
 * None), ClientInit and a first full framebuffer request.
 */
export async function openDesktop(
  client: HttpsClient,
  deviceId: string,
  options: { viewOnly?: boolean } = {},
): Promise<RfbClient> {
  const response = await client.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'desktop',
    ...(options.viewOnly ? { viewOnly: true } : {}),
  });
  if (response.status !== 201)
    throw new Error(`session request failed: ${response.status} ${response.text}`);
  const session = response.json(CreateSessionResponse);
  return { ...(await joinDesktop(client, session.relay)), session };
}

/** Joins a desktop session's relay with a one-time ticket (a technician's or a guest's). */
export async function joinDesktop(
  client: HttpsClient,
  relay: { path: string; token: string },
): Promise<Omit<RfbClient, 'session'>> {
  const socket = client.websocket(`${relay.path}?token=${relay.token}`);
  let received = Buffer.alloc(0);
  let afterInit = 0;
  socket.on('message', (data: Buffer) => {
    received = Buffer.concat([received, data]);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const take = async (length: number, what: string): Promise<Buffer> => {
    await waitFor(what, () => received.length >= length || undefined, 20_000);
    const bytes = received.subarray(0, length);
    received = received.subarray(length);
    return bytes;
  };
  assert((await take(12, 'the RFB version')).toString('latin1') === 'RFB 003.008\n', 'version');
  socket.send(Buffer.from('RFB 003.008\n', 'latin1'));
  assert((await take(2, 'security types')).equals(Buffer.from([1, 1])), 'only security None');
  socket.send(Buffer.from([1]));
  assert((await take(4, 'the security result')).readUInt32BE(0) === 0, 'security ok');
  socket.send(Buffer.from([1])); // ClientInit, shared
  const init = await take(24, 'ServerInit');
  await take(init.readUInt32BE(20), 'the desktop name');
  afterInit = received.length;
  const send = (bytes: number[]): void => socket.send(Buffer.from(bytes));
  send([2, 0, 0, 1, 0, 0, 0, 0]); // SetEncodings: raw
  send([3, 0, 0, 0, 0, 0, init[0] ?? 0, init[1] ?? 0, init[2] ?? 0, init[3] ?? 0]);
  const pointer = (mask: number, x: number, y: number): void =>
    send([5, mask, x >> 8, x & 255, y >> 8, y & 255]);
  const key = (down: number, keysym: number): void =>
    send([4, down, 0, 0, 0, 0, (keysym >> 8) & 255, keysym & 255]);
  return {
    width: init.readUInt16BE(0),
    height: init.readUInt16BE(2),
    receivedBytes: () => afterInit + received.length,
    click(x, y) {
      pointer(0, x, y);
      pointer(1, x, y);
      pointer(0, x, y);
    },
    type(text) {
      for (const char of text) {
        const keysym = char === '\n' ? 0xff0d : char.charCodeAt(0);
        key(1, keysym);
        key(0, keysym);
      }
    },
    close: async () => {
      socket.close(1000, 'technician closed the desktop');
      return closed;
    },
  };
}

function assert(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`RFB handshake: expected ${what}`);
}
