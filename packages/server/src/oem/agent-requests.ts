import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  AppError,
  OemResults,
  type AgentMessage,
  type MessageOf,
  type OemOperation,
} from '@tether/protocol';
import type { CancelTimer, Clock } from '../clock.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';

/** An agent's answer to an integration API request. */
export type OemReply = MessageOf<AgentMessage, 'oem.reply'>;

/** The result an operation resolves to. */
export type OemResultOf<Op extends OemOperation['op']> = z.infer<(typeof OemResults)[Op]>;

interface Pending {
  deviceId: string;
  op: OemOperation['op'];
  resolve(result: unknown): void;
  reject(error: AppError): void;
  cancelTimer: CancelTimer;
}

/**
 * Sends `oem.request` messages to agents and pairs their `oem.reply` with the waiting caller:
 * a reply from another device, of the wrong shape, or after the time limit is never accepted.
 *
 * @example
 * const result = await requests.ask(deviceId, { op: 'deleteDeviceKey', tenantId, deviceKeyId, decommissionToken });
 */
export class AgentRequests {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly deps: {
      presence: DevicePresence;
      clock: Clock;
      log: Logger;
      timeoutMs: number;
    },
  ) {
    deps.presence.events.on('offline', ({ deviceId }) => this.onDisconnected(deviceId));
  }

  /** Forwards `operation` to the device's agent and resolves with its checked result. */
  ask<Op extends OemOperation['op']>(
    deviceId: string,
    operation: Extract<OemOperation, { op: Op }>,
  ): Promise<OemResultOf<Op>> {
    const link = this.deps.presence.get(deviceId);
    if (!link) {
      return Promise.reject(
        new AppError(
          'DEVICE_OFFLINE',
          'The device is offline; try again when its agent is connected.',
        ),
      );
    }
    const requestId = randomUUID();
    return new Promise<OemResultOf<Op>>((resolve, reject) => {
      const cancelTimer = this.deps.clock.setTimer(() => {
        this.pending.delete(requestId);
        reject(
          new AppError(
            'UNAVAILABLE',
            `The device did not answer within ${Math.round(this.deps.timeoutMs / 1000)} s; try again.`,
          ),
        );
      }, this.deps.timeoutMs);
      this.pending.set(requestId, {
        deviceId,
        op: operation.op,
        resolve: (result) => resolve(result as OemResultOf<Op>),
        reject,
        cancelTimer,
      });
      link.send({ type: 'oem.request', requestId, operation });
    });
  }

  /**
   * An agent answered. Only the device that was asked can answer, and only once. In a cluster
   * the other nodes' answers arrive too: those are not logged.
   */
  onReply(deviceId: string, reply: OemReply, options: { isClustered?: boolean } = {}): void {
    const pending = this.pending.get(reply.requestId);
    if (pending?.deviceId !== deviceId) {
      if (!options.isClustered)
        this.deps.log.warn({ deviceId }, 'integration API reply to no open request ignored');
      return;
    }
    this.pending.delete(reply.requestId);
    pending.cancelTimer();
    if (reply.error) {
      pending.reject(new AppError(reply.error.code, reply.error.message));
      return;
    }
    // The schema for the op that was asked; `resolve` gets the parsed value of that schema.
    const parsed = OemResults[pending.op].safeParse(reply.result ?? {});
    if (!parsed.success) {
      this.deps.log.warn({ deviceId, op: pending.op }, 'malformed integration API reply');
      pending.reject(
        new AppError(
          'UNAVAILABLE',
          'The device sent an answer this server cannot read; update its agent.',
        ),
      );
      return;
    }
    pending.resolve(parsed.data);
  }

  /** The device's channel closed: nothing it was asked will be answered. */
  onDisconnected(deviceId: string): void {
    for (const [requestId, pending] of this.pending) {
      if (pending.deviceId !== deviceId) continue;
      this.pending.delete(requestId);
      pending.cancelTimer();
      pending.reject(
        new AppError('DEVICE_OFFLINE', 'The device disconnected before it answered; try again.'),
      );
    }
  }
}
