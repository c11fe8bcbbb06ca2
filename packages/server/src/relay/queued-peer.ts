import type { RelayPeer } from './relay-peer.js';

/**
 * Wraps a peer that joined before its partner: it listens at once, keeps what arrives (the
 * first shell prompt, typically) until the relay attaches, and lets several parties watch the
 * close. Over `limitBytes` of early data the peer is closed rather than buffered without bound.
 */
export class QueuedPeer implements RelayPeer {
  private queue: Uint8Array[] | undefined = [];
  private queuedBytes = 0;
  private messageListener: ((data: Uint8Array) => void) | undefined;
  private readonly closeListeners: ((code: number, reason: string) => void)[] = [];
  private closed: { code: number; reason: string } | undefined;

  constructor(
    private readonly inner: RelayPeer,
    private readonly limitBytes = 1024 * 1024,
  ) {
    inner.onMessage((data) => this.receive(data));
    inner.onClose((code, reason) => {
      this.closed = { code, reason };
      for (const listener of this.closeListeners.splice(0)) listener(code, reason);
    });
  }

  get isClosed(): boolean {
    return this.closed !== undefined;
  }

  send(data: Uint8Array, onWritten: (error?: Error) => void): void {
    this.inner.send(data, onWritten);
  }

  pause(): void {
    this.inner.pause();
  }

  resume(): void {
    this.inner.resume();
  }

  close(code: number, reason: string): void {
    this.inner.close(code, reason);
  }

  onMessage(listener: (data: Uint8Array) => void): void {
    this.messageListener = listener;
    const queued = this.queue ?? [];
    this.queue = undefined;
    for (const data of queued) listener(data);
  }

  onClose(listener: (code: number, reason: string) => void): void {
    if (this.closed) listener(this.closed.code, this.closed.reason);
    else this.closeListeners.push(listener);
  }

  private receive(data: Uint8Array): void {
    if (this.messageListener) {
      this.messageListener(data);
      return;
    }
    if (!this.queue) return;
    this.queuedBytes += data.byteLength;
    if (this.queuedBytes > this.limitBytes) {
      this.inner.close(1009, 'Too much data before the other side joined.');
      return;
    }
    this.queue.push(data);
  }
}
