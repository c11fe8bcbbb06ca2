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
 * recording entry) per line. Unlike a plain delay, interactive output goes out at once — the
 * echo of a keystroke must not wait: output is batched only once more than `interactiveBytes`
 * went out within `delayMs` (a program printing, not a person typing). `maxBytes` pending are
 * sent at once.
 *
 * @example
 * const batcher = createOutputBatcher({ clock, delayMs: 5, maxBytes: 65_536, send: sendDataFrame });
 * pty.onData((text) => batcher.push(Buffer.from(text)));
 */
export function createOutputBatcher(options: {
  clock: Clock;
  delayMs: number;
  maxBytes: number;
  /** Output up to this many bytes per window is sent at once (default 1 KiB). */
  interactiveBytes?: number;
  send: (bytes: Buffer) => void;
}): OutputBatcher {
  const interactiveBytes = options.interactiveBytes ?? 1024;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes sent since the current window opened. */
  let windowBytes = 0;
  /** Set while a batching window, opened by the last send, is running. */
  let cancelWindow: CancelTimer | undefined;

  const sendPending = (): void => {
    if (pendingBytes === 0) return;
    const bytes = pending.length === 1 && pending[0] ? pending[0] : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    windowBytes += bytes.length;
    options.send(bytes);
  };

  const openWindow = (): void => {
    windowBytes = 0;
    cancelWindow = options.clock.setTimer(() => {
      cancelWindow = undefined;
      if (pendingBytes === 0) return; // quiet: the next output goes out at once
      openWindow();
      sendPending();
    }, options.delayMs);
  };

  const stopWindow = (): void => {
    cancelWindow?.();
    cancelWindow = undefined;
  };

  return {
    push(chunk) {
      if (chunk.length === 0) return;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (!cancelWindow) {
        openWindow();
        sendPending();
      } else if (
        pendingBytes >= options.maxBytes ||
        windowBytes + pendingBytes <= interactiveBytes
      ) {
        sendPending();
      }
    },
    flush() {
      stopWindow();
      sendPending();
    },
    dispose() {
      stopWindow();
      pending = [];
      pendingBytes = 0;
    },
  };
}
