import { AppError, type ErrorBody } from '@tether/protocol';
import type { CancelTimer, Clock } from '../clock.js';
import type { DevicePresence } from '../devices/device-presence.js';

interface Waiting {
  resolve(): void;
  reject(error: AppError): void;
  cancelTimer: CancelTimer;
}

/**
 * Waits for an agent's `unattended.reply` to an `unattended.enable`: only the device that was
 * asked may answer, once, within the time limit; a disconnect fails the wait at once.
 *
 * @example
 * await answers.ask(deviceId, accessId, () => link.send({ type: 'unattended.enable', … }));
 */
export class AgentAnswers {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    presence: DevicePresence,
    private readonly options: { clock: Clock; timeoutMs: number },
  ) {
    presence.events.on('offline', ({ deviceId }) => {
      for (const key of [...this.waiting.keys()]) {
        if (!key.startsWith(`${deviceId}/`)) continue;
        this.settleKey(
          key,
          new AppError('DEVICE_OFFLINE', 'The device disconnected before it answered; try again.'),
        );
      }
    });
  }

  ask(deviceId: string, accessId: string, send: () => void): Promise<void> {
    const key = `${deviceId}/${accessId}`;
    return new Promise<void>((resolve, reject) => {
      const cancelTimer = this.options.clock.setTimer(
        () =>
          this.settleKey(
            key,
            new AppError(
              'UNAVAILABLE',
              `The device did not confirm within ${Math.round(this.options.timeoutMs / 1000)} s; try again.`,
            ),
          ),
        this.options.timeoutMs,
      );
      this.waiting.set(key, { resolve, reject, cancelTimer });
      send();
    });
  }

  settle(deviceId: string, accessId: string, error: ErrorBody | undefined): void {
    this.settleKey(
      `${deviceId}/${accessId}`,
      error && new AppError(error.code, error.message, error.details),
    );
  }

  private settleKey(key: string, error: AppError | undefined): void {
    const waiting = this.waiting.get(key);
    if (!waiting) return;
    this.waiting.delete(key);
    waiting.cancelTimer();
    if (error) waiting.reject(error);
    else waiting.resolve();
  }
}
