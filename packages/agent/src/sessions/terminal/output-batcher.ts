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
  const { clock, delayMs } = options;
  const interactiveBytes = options.interactiveBytes ?? 1024;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** When the current batching window opened (by a send); undefined while quiet. */
  let windowStart: number | undefined;
  /** Bytes sent since the current window opened. */
  let windowBytes = 0;
  /**
   * Set only while output waits for the window's end. A window is a time stamp, not a timer:
   * an echoed keystroke then costs no timer and no wake-up of the agent 5 ms later.
   */
  let cancelTimer: CancelTimer | undefined;

  const stopTimer = (): void => {
    cancelTimer?.();
    cancelTimer = undefined;
  };

  const sendPending = (): void => {
    stopTimer();
    if (pendingBytes === 0) return;
    const bytes = pending.length === 1 && pending[0] ? pending[0] : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    windowBytes += bytes.length;
    options.send(bytes);
  };

  /** Sends what is pending at once and opens a new window. */
  const sendInNewWindow = (now: number): void => {
    windowStart = now;
    windowBytes = 0;
    sendPending();
  };

  return {
    push(chunk) {
      if (chunk.length === 0) return;
      pending.push(chunk);
      pendingBytes += chunk.length;
      const now = clock.now().getTime();
      if (windowStart === undefined || now - windowStart >= delayMs) {
        sendInNewWindow(now);
      } else if (
        pendingBytes >= options.maxBytes ||
        windowBytes + pendingBytes <= interactiveBytes
      ) {
        sendPending();
      } else {
        cancelTimer ??= clock.setTimer(
          () => {
            cancelTimer = undefined;
            sendInNewWindow(clock.now().getTime());
          },
          windowStart + delayMs - now,
        );
      }
    },
    flush() {
      windowStart = undefined;
      sendPending();
    },
    dispose() {
      stopTimer();
      windowStart = undefined;
      pending = [];
      pendingBytes = 0;
    },
  };
}
