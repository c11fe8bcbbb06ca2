import { decodeTerminalFrame, encodeTerminalFrame } from '@tether/protocol';
import { closeReason } from '../sessions/session-end.js';

/** Where a terminal session stands, for the status line. */
export type TerminalStatus =
  { state: 'connecting' } | { state: 'connected' } | { state: 'ended'; reason: string };

/** The part of `WebSocket` the relay connection uses; tests pass a fake. */
export interface RelaySocket {
  binaryType: BinaryType;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

/** Options of `openTerminalRelay`. */
export interface TerminalRelayOptions {
  /** Bytes the remote shell printed. */
  onOutput: (bytes: Uint8Array) => void;
  onStatus: (status: TerminalStatus) => void;
  /** Initial size, sent as the first frame once the socket opens. */
  size: { cols: number; rows: number };
  /** Opens the socket; defaults to `new WebSocket(url)`. */
  createSocket?: (url: string) => RelaySocket;
}

/** A live terminal connection. */
export interface TerminalRelay {
  /** Keystrokes from xterm's `onData`. Dropped once the session ended. */
  sendInput(text: string): void;
  /** Sends a RESIZE frame (sent on open when the socket is not open yet). */
  resize(cols: number, rows: number): void;
  /** Closes the socket (normal closure); the status becomes `ended`. */
  close(reason?: string): void;
}

const OPEN = 1;

/**
 * Joins a terminal session's relay: RESIZE first, then keystrokes as DATA frames; output is
 * handed to `onOutput`; an EXIT frame or the socket's close reason ends the session.
 *
 * @example
 * const relay = openTerminalRelay(relaySocketUrl(ticket, location), {
 *   size: { cols: terminal.cols, rows: terminal.rows },
 *   onOutput: (bytes) => terminal.write(bytes),
 *   onStatus: setStatus,
 * });
 * terminal.onData((text) => relay.sendInput(text));
 */
export function openTerminalRelay(url: string, options: TerminalRelayOptions): TerminalRelay {
  const socket = options.createSocket?.(url) ?? new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  let size = options.size;
  let ended: string | null = null;

  const end = (reason: string) => {
    if (ended !== null) return;
    ended = reason;
    options.onStatus({ state: 'ended', reason });
  };
  const sendFrame = (frame: Parameters<typeof encodeTerminalFrame>[0]) => {
    if (ended === null && socket.readyState === OPEN) socket.send(encodeTerminalFrame(frame));
  };

  options.onStatus({ state: 'connecting' });
  socket.onopen = () => {
    options.onStatus({ state: 'connected' });
    sendFrame({ type: 'resize', ...size });
  };
  socket.onmessage = (event) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    const frame = decodeTerminalFrame(new Uint8Array(event.data));
    if (frame === undefined) return;
    if (frame.type === 'data') options.onOutput(frame.data);
    else if (frame.type === 'exit') {
      end(`${frame.reason || 'the shell exited'} (exit code ${frame.exitCode})`);
    }
  };
  socket.onclose = (event) => end(closeReason(event));
  socket.onerror = () => {
    // The close event that always follows carries the reason; nothing to add here.
  };

  return {
    sendInput: (text) => sendFrame({ type: 'data', data: encoder.encode(text) }),
    resize: (cols, rows) => {
      size = { cols, rows };
      sendFrame({ type: 'resize', cols, rows });
    },
    close: (reason = 'you ended the session') => {
      end(reason);
      socket.close(1000, 'ended by the technician');
    },
  };
}
