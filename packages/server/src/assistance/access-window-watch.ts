import { repeat, type Clock } from '../clock.js';
import type { AccessWindowClose } from './admit-session.js';

/** Stops watching (the session ended first). */
export interface AccessWindowWatch {
  stop(): void;
}

/**
 * Watches a running session's access window: calls `onWarn` once when the close is
 * `warnBeforeSec` away (at once if it already is), then `onClose` once when it closes and
 * `endAtClose` is set. The clock is read on every check, so an injected clock drives it in tests.
 *
 * @example
 * const watch = watchAccessWindow(admission.accessWindow, { clock, checkEveryMs: 1000, onWarn, onClose });
 * // … session ends: watch.stop();
 */
export function watchAccessWindow(
  window: AccessWindowClose,
  options: {
    clock: Clock;
    checkEveryMs: number;
    onWarn: (secondsLeft: number) => void;
    onClose: () => void;
  },
): AccessWindowWatch {
  let isWarned = false;
  let isDone = false;
  const check = (): void => {
    if (isDone) return;
    const left = window.closesAt.getTime() - options.clock.now().getTime();
    if (!isWarned && left <= window.warnBeforeSec * 1000) {
      isWarned = true;
      options.onWarn(Math.max(0, Math.ceil(left / 1000)));
    }
    if (left > 0) return;
    isDone = true;
    stopChecks();
    if (window.endAtClose) options.onClose();
  };
  const stopChecks = repeat(options.clock, check, options.checkEveryMs);
  check();
  return {
    stop: () => {
      isDone = true;
      stopChecks();
    },
  };
}
