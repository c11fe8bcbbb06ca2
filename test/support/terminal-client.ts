import { CreateSessionResponse, decodeTerminalFrame, encodeTerminalFrame } from '@tether/protocol';
import type WebSocket from 'ws';
import type { HttpsClient } from './https-client.js';
import { waitFor } from './cli.js';

/** A console end of a terminal session on the relay, driven as the console drives it. */
export interface RelayTerminal {
  socket: WebSocket;
  output(): string;
  type(text: string): void;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<{ code: number; reason: string }>;
}

/** A technician's terminal: the session it asked for, and its relay end. */
export interface TerminalClient extends RelayTerminal {
  session: CreateSessionResponse;
}

/** Joins the relay at `path` with a one-time token and sends the first RESIZE. */
export async function joinTerminal(
  client: HttpsClient,
  relay: { path: string; token: string },
): Promise<RelayTerminal> {
  const socket = client.websocket(`${relay.path}?token=${relay.token}`);
  let text = '';
  const decoder = new TextDecoder();
  socket.on('message', (data: Buffer) => {
    const frame = decodeTerminalFrame(new Uint8Array(data));
    if (frame?.type === 'data') text += decoder.decode(frame.data, { stream: true });
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(encodeTerminalFrame({ type: 'resize', cols: 100, rows: 30 }));
  return {
    socket,
    closed,
    output: () => text,
    type: (input) =>
      socket.send(encodeTerminalFrame({ type: 'data', data: new TextEncoder().encode(input) })),
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      waitFor(`terminal output matching ${pattern}`, () => pattern.exec(text)?.[0], timeoutMs),
    close: async () => {
      socket.close(1000, 'technician closed the terminal');
      return closed;
    },
  };
}

/** Asks for a terminal session on a device and joins it as the technician. */
export async function openTerminal(client: HttpsClient, deviceId: string): Promise<TerminalClient> {
  const response = await client.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'terminal',
    cols: 100,
    rows: 30,
  });
  if (response.status !== 201)
    throw new Error(`session request failed: ${response.status} ${response.text}`);
  const session = response.json(CreateSessionResponse);
  return { ...(await joinTerminal(client, session.relay)), session };
}
