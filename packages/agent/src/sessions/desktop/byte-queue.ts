/**
 * Bytes arriving in pieces (a TCP socket, WebSocket messages), read back by exact lengths: what
 * a handshake parser needs. Reads wait for enough bytes, or fail once the source failed.
 *
 * @example
 * const queue = new ByteQueue();
 * socket.on('data', (data) => queue.push(data));
 * const version = await queue.read(12);
 */
export class ByteQueue {
  private buffered = Buffer.alloc(0);
  private waiter:
    | { length: number; resolve: (bytes: Buffer) => void; reject: (error: Error) => void }
    | undefined;
  private failure: Error | undefined;

  /** Adds bytes from the source. */
  push(bytes: Uint8Array): void {
    this.buffered = Buffer.concat([this.buffered, bytes]);
    this.settle();
  }

  /** The source ended or failed: pending and later reads reject with `error`. */
  fail(error: Error): void {
    this.failure ??= error;
    this.settle();
  }

  /** Resolves with exactly `length` bytes (one read at a time). */
  read(length: number): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('one read at a time'));
    return new Promise<Buffer>((resolve, reject) => {
      this.waiter = { length, resolve, reject };
      this.settle();
    });
  }

  /** Reads a big-endian unsigned 32-bit number. */
  async readU32(): Promise<number> {
    return (await this.read(4)).readUInt32BE(0);
  }

  /** Everything buffered and not yet read (the queue is then empty). */
  takeRest(): Buffer {
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  private settle(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    if (this.buffered.length >= waiter.length) {
      this.waiter = undefined;
      const bytes = this.buffered.subarray(0, waiter.length);
      this.buffered = this.buffered.subarray(waiter.length);
      waiter.resolve(Buffer.from(bytes));
    } else if (this.failure) {
      this.waiter = undefined;
      waiter.reject(this.failure);
    }
  }
}
