import type { CancelTimer, Clock } from '../../clock.js';

/** Collects pty output; see {@link createOutputBatcher}. */
export interface OutputBatcher {
  push(chunk: Buffer): void;
  /** Sends whatever is pending now (before an exit frame, for instance). */
  flush(): void;
  /** Drops pending output and cancels the timer. */
  dispose(): void;
}

/**
 * Batches pty output into few, larger frames, as VS Code's remote terminal does: a program
 * printing line by line would otherwise cost one WebSocket frame (and one relay hop, and one
 * recording entry) per line. Output waits at most `delayMs`, and is sent at once when
 * `maxBytes` are pending.
 *
 * @example
 * const batcher = createOutputBatcher({ clock, delayMs: 5, maxBytes: 65_536, send: sendDataFrame });
 * pty.onData((text) => batcher.push(Buffer.from(text)));
 */
export function createOutputBatcher(options: {
  clock: Clock;
  delayMs: number;
  maxBytes: number;
  send: (bytes: Buffer) => void;
}): OutputBatcher {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let cancelTimer: CancelTimer | undefined;

  const flush = (): void => {
    cancelTimer?.();
    cancelTimer = undefined;
    if (pendingBytes === 0) return;
    const bytes = pending.length === 1 && pending[0] ? pending[0] : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    options.send(bytes);
  };

  return {
    push(chunk) {
      if (chunk.length === 0) return;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= options.maxBytes) flush();
      else cancelTimer ??= options.clock.setTimer(flush, options.delayMs);
    },
    flush,
    dispose() {
      cancelTimer?.();
      cancelTimer = undefined;
      pending = [];
      pendingBytes = 0;
    },
  };
}
