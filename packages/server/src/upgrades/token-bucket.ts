import { Transform, type TransformCallback } from 'node:stream';

/**
 * The one throttle all upgrade downloads share (S-12): a token bucket refilled at the total
 * bandwidth limit. Waiters are served in arrival order, so each download gets its turn and the
 * sum never exceeds the limit, however many run.
 *
 * @example
 * const bucket = createTokenBucket({ bytesPerSec: 10 * 1024 * 1024 });
 * body.pipe(bucket.throttle()).pipe(response);
 */
export interface TokenBucket {
  /** Resolves once `bytes` may be sent (at most {@link CHUNK_BYTES} at a time). */
  take(bytes: number): Promise<void>;
  /** A stream that passes bytes through at the bucket's pace. */
  throttle(): Transform;
  /** Changes the rate; waiting downloads continue at the new one. */
  setRate(bytesPerSec: number): void;
  /** Bytes let through since the bucket was made (for the measured bandwidth). */
  readonly sentBytes: number;
}

/** Largest piece a download asks for at once: small enough to interleave thousands of downloads. */
export const CHUNK_BYTES = 64 * 1024;

export function createTokenBucket(options: {
  bytesPerSec: number;
  /** Milliseconds, monotonic; injected by tests. */
  now?: () => number;
}): TokenBucket {
  const now = options.now ?? (() => performance.now());
  let rate = options.bytesPerSec;
  // A tenth of a second of burst: smooth at the second scale the limit is measured on.
  const burst = (): number => Math.max(CHUNK_BYTES, rate / 10);
  let tokens = burst();
  let refilledAt = now();
  let sentBytes = 0;
  const waiters: { bytes: number; resolve: () => void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  const refill = (): void => {
    const at = now();
    tokens = Math.min(burst(), tokens + ((at - refilledAt) / 1000) * rate);
    refilledAt = at;
  };
  const serve = (): void => {
    timer = undefined;
    refill();
    while (waiters.length > 0 && tokens >= (waiters[0]?.bytes ?? 0)) {
      const waiter = waiters.shift();
      if (!waiter) break;
      tokens -= waiter.bytes;
      sentBytes += waiter.bytes;
      waiter.resolve();
    }
    const next = waiters[0];
    if (next) {
      const waitMs = Math.max(1, ((next.bytes - tokens) / rate) * 1000);
      timer = setTimeout(serve, waitMs);
    }
  };

  const take = (bytes: number): Promise<void> =>
    new Promise((resolve) => {
      waiters.push({ bytes: Math.min(bytes, CHUNK_BYTES), resolve });
      if (!timer) serve();
    });

  return {
    take,
    throttle: () => throttleStream(take),
    setRate(bytesPerSec) {
      refill();
      rate = bytesPerSec;
      if (timer) clearTimeout(timer);
      timer = undefined;
      serve();
    },
    get sentBytes() {
      return sentBytes;
    },
  };
}

function throttleStream(take: (bytes: number) => Promise<void>): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const pass = async (): Promise<void> => {
        for (let offset = 0; offset < chunk.length; offset += CHUNK_BYTES) {
          const piece = chunk.subarray(offset, offset + CHUNK_BYTES);
          await take(piece.length);
          this.push(piece);
        }
      };
      pass().then(() => callback(), callback);
    },
  });
}
