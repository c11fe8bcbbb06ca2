import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTerminalFrame, encodeTerminalFrame, type TerminalFrame } from '@tether/protocol';
import { openTerminalRelay, type RelaySocket, type TerminalStatus } from './terminal-relay.js';

/** Node 20 has no CloseEvent; this one has the same shape. */
class TestCloseEvent extends Event implements CloseEvent {
  readonly wasClean = true;
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super('close');
  }
}

class FakeSocket implements RelaySocket {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  sent: (TerminalFrame | undefined)[] = [];
  closedWith: [number | undefined, string | undefined] | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent<unknown>) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  send(data: Uint8Array): void {
    this.sent.push(decodeTerminalFrame(data));
  }
  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(frame: TerminalFrame): void {
    const bytes = encodeTerminalFrame(frame);
    const buffer = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(buffer).set(bytes);
    this.onmessage?.(new MessageEvent('message', { data: buffer }));
  }
  remoteClose(code: number, reason: string): void {
    this.readyState = 3;
    this.onclose?.(new TestCloseEvent(code, reason));
  }
}

function setup() {
  const socket = new FakeSocket();
  const statuses: TerminalStatus[] = [];
  const output: string[] = [];
  const relay = openTerminalRelay('wss://tether.test/relay/v1/x?token=t', {
    size: { cols: 80, rows: 24 },
    onOutput: (bytes) => output.push(new TextDecoder().decode(bytes)),
    onStatus: (status) => statuses.push(status),
    createSocket: () => socket,
  });
  return { socket, statuses, output, relay };
}

describe('openTerminalRelay', () => {
  it('sends RESIZE first on open, then keystrokes as DATA', () => {
    const { socket, statuses, relay } = setup();
    assert.equal(socket.binaryType, 'arraybuffer');
    relay.sendInput('lost before open');
    socket.open();
    relay.sendInput('ls\r');
    relay.resize(100, 30);
    assert.deepEqual(socket.sent, [
      { type: 'resize', cols: 80, rows: 24 },
      { type: 'data', data: new TextEncoder().encode('ls\r') },
      { type: 'resize', cols: 100, rows: 30 },
    ]);
    assert.deepEqual(statuses, [{ state: 'connecting' }, { state: 'connected' }]);
  });

  it('hands output on and ends with the exit reason and code', () => {
    const { socket, statuses, output } = setup();
    socket.open();
    socket.receive({ type: 'data', data: new TextEncoder().encode('hello') });
    socket.receive({ type: 'exit', exitCode: 3, reason: 'shell exited' });
    socket.remoteClose(1000, 'session ended');
    assert.deepEqual(output, ['hello']);
    assert.deepEqual(statuses.at(-1), { state: 'ended', reason: 'shell exited (exit code 3)' });
    assert.equal(statuses.filter((status) => status.state === 'ended').length, 1);
  });

  it('shows the close reason when the socket closes without an exit frame', () => {
    const { socket, statuses } = setup();
    socket.open();
    socket.remoteClose(4410, 'The device disconnected.');
    assert.deepEqual(statuses.at(-1), { state: 'ended', reason: 'The device disconnected.' });
  });

  it('closes the socket normally when the technician ends the session', () => {
    const { socket, statuses, relay } = setup();
    socket.open();
    relay.close();
    assert.deepEqual(socket.closedWith, [1000, 'ended by the technician']);
    assert.deepEqual(statuses.at(-1), { state: 'ended', reason: 'you ended the session' });
    relay.sendInput('x');
    assert.equal(socket.sent.length, 1, 'nothing is sent after the end');
  });
});
