import { randomUUID } from 'node:crypto';
import type { Notification, NotificationDelivery } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { CancelTimer, Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import { retryDelayMs, type RetryPolicy } from '../uploads/backoff.js';
import { DeliveryFailure, type OutgoingMessage } from './channels.js';
import { DeliveryLog, type DeliveryRecord } from './delivery-log.js';

/** How failed deliveries are retried: backoff as uploads do, and a last attempt. */
export interface DeliveryRetry extends RetryPolicy {
  /** Attempts in all, the first included; then the delivery has failed for good. */
  attempts: number;
}

/** Sends the message to the recipient; resolves with the answer, throws `DeliveryFailure`. */
export type Send = (message: OutgoingMessage) => Promise<string>;

/**
 * Runs deliveries: one per e-mail address or webhook, each tried at once, then retried with
 * doubling delays (with jitter), and audited as `notification.failed` after its last attempt.
 * Each attempt asks `send` anew, so a password corrected in the meantime is used by the retry.
 */
export class Deliveries {
  readonly log = new DeliveryLog();
  readonly #timers = new Set<CancelTimer>();
  readonly #running = new Set<Promise<void>>();
  #isStopped = false;

  constructor(
    private readonly deps: {
      clock: Clock;
      log: Logger;
      audit: Pick<AuditLog, 'record'>;
      retry: DeliveryRetry;
      random: () => number;
    },
  ) {}

  /** Starts one delivery of `notification`; never throws. */
  start(
    notification: Notification,
    target: { channel: NotificationDelivery['channel']; recipient: string; send: Send },
  ): void {
    const at = this.deps.clock.now();
    const record = this.log.add({
      id: randomUUID(),
      kind: notification.kind,
      subject: notification.subject,
      channel: target.channel,
      recipient: target.recipient,
      status: 'pending',
      attempts: 0,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      nextAttemptAt: null,
      lastError: null,
    });
    const message: OutgoingMessage = {
      id: record.id,
      kind: notification.kind,
      subject: notification.subject,
      text: notification.text,
      details: notification.details ?? {},
      at,
    };
    this.#track(this.#attempt(record, message, target.send));
  }

  /** Cancels the retries still waiting (server shutdown) once the attempts under way end. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    for (const cancel of this.#timers) cancel();
    this.#timers.clear();
    await this.settled();
  }

  /** Resolves once every attempt started so far has ended (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #track(attempt: Promise<void>): void {
    const tracked = attempt
      .catch((error: unknown) => {
        this.deps.log.error({ err: error }, 'a notification delivery stopped unexpectedly');
      })
      .finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }

  async #attempt(record: DeliveryRecord, message: OutgoingMessage, send: Send): Promise<void> {
    record.attempts += 1;
    let error: string;
    try {
      await send({ ...message, at: this.deps.clock.now() });
      // The last error stays: "delivered at the third attempt, after HTTP 503" is worth seeing.
      this.#update(record, {
        status: 'delivered',
        nextAttemptAt: null,
        lastError: record.lastError,
      });
      return;
    } catch (failure) {
      if (!(failure instanceof DeliveryFailure))
        this.deps.log.error(
          { err: failure, deliveryId: record.id },
          'notification delivery failed',
        );
      error =
        failure instanceof DeliveryFailure
          ? failure.message
          : 'The delivery failed unexpectedly; see the server log.';
    }
    const { retry, clock } = this.deps;
    if (this.#isStopped) {
      // Not a final failure: the server stopped before it could retry (the log keeps it).
      this.#update(record, { status: 'failed', nextAttemptAt: null, lastError: error });
      this.deps.log.warn({ deliveryId: record.id, error }, 'notification not retried: stopping');
      return;
    }
    if (record.attempts < retry.attempts) {
      const delay = retryDelayMs(retry, record.attempts, this.deps.random);
      const nextAttemptAt = new Date(clock.now().getTime() + delay).toISOString();
      this.#update(record, { status: 'retrying', nextAttemptAt, lastError: error });
      this.deps.log.warn(
        { deliveryId: record.id, kind: record.kind, channel: record.channel, error, nextAttemptAt },
        'notification delivery failed; it is retried',
      );
      const cancel = clock.setTimer(() => {
        this.#timers.delete(cancel);
        this.#track(this.#attempt(record, message, send));
      }, delay);
      this.#timers.add(cancel);
      return;
    }
    this.#update(record, { status: 'failed', nextAttemptAt: null, lastError: error });
    this.deps.log.error(
      { deliveryId: record.id, kind: record.kind, channel: record.channel, error },
      'notification could not be delivered',
    );
    await this.deps.audit.record({
      action: 'notification.failed',
      actor: 'system',
      target: record.recipient,
      details: {
        kind: record.kind,
        subject: record.subject,
        channel: record.channel,
        attempts: record.attempts,
        error,
      },
    });
  }

  #update(
    record: DeliveryRecord,
    change: Pick<DeliveryRecord, 'status' | 'nextAttemptAt' | 'lastError'>,
  ): void {
    Object.assign(record, change, { updatedAt: this.deps.clock.now().toISOString() });
  }
}
