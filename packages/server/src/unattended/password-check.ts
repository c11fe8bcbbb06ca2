import { AppError } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { decoyHash, verifyPassword } from '../auth/password-hash.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import type { UnattendedAccessRecord } from '../store/unattended-repository.js';
import { GuessBudget } from './guess-budget.js';

/**
 * Wrong one-time passwords, per access and per device (M-2): three free, then 5 s doubling to
 * one minute, so after the first few at most a guess or two a minute gets through.
 */
const GUESS_LIMITS = { freeAttempts: 3, firstDelayMs: 5000, maxDelayMs: 60_000 };

/** Who tries which password, for the check and its audit. */
export interface PasswordAttempt {
  actor: string;
  accessId: string;
  /** Undefined when no access has that ID: the check still costs a hash. */
  access: UnattendedAccessRecord | undefined;
  password: string;
  sourceAddress: string;
}

/**
 * Checks one-time passwords under the guess limit. The attempt is counted before the hash is
 * checked, so simultaneous attempts cannot all slip through the limit; a refused attempt is
 * refused with RATE_LIMITED whether or not its password was right. Every checked failure is
 * audited; refusals under the limit are tallied per source and device (a flood costs a few rows).
 *
 * @example
 * const access = await passwords.check({ actor, accessId, access, password, sourceAddress });
 */
export class PasswordCheck {
  private readonly budget: GuessBudget;
  private readonly audit: AuditLog;

  constructor(deps: { store: Store; clock: Clock; log: Logger; audit: AuditLog }) {
    this.audit = deps.audit;
    this.budget = new GuessBudget(deps, { ...GUESS_LIMITS, scope: 'unattended' });
  }

  /** Returns the access when the password is right; throws RATE_LIMITED or AUTH_FAILED. */
  async check(attempt: PasswordAttempt): Promise<UnattendedAccessRecord> {
    const { access, accessId } = attempt;
    const accessKey = `access:${accessId}`;
    const keys = [accessKey, `device:${access?.deviceId ?? 'unknown'}`];
    const admission = await this.budget.reserve(keys, [accessKey]);
    if (!admission.isAllowed) {
      const retryAfterSec = Math.ceil(admission.retryAfterMs / 1000);
      await this.record('unattended.throttled', attempt, { retryAfterSec });
      throw new AppError(
        'RATE_LIMITED',
        `Too many wrong one-time passwords for this session: wait ${retryAfterSec} s before trying again.`,
        { retryAfterSec },
      );
    }
    const { reservation } = admission;
    let isRight = false;
    try {
      isRight = await verifyPassword(attempt.password, access?.passwordHash ?? (await decoyHash));
    } finally {
      // A check that threw counts as a failure: the budget never leaks an attempt.
      if (access && isRight) await reservation.succeeded();
      else await reservation.failed();
    }
    if (!access || !isRight) {
      await this.record('unattended.auth_failed', attempt, {});
      throw new AppError(
        'AUTH_FAILED',
        'The session ID or the one-time password is wrong. Check both and try again.',
      );
    }
    return access;
  }

  private async record(
    action: 'unattended.throttled' | 'unattended.auth_failed',
    attempt: PasswordAttempt,
    details: Record<string, unknown>,
  ): Promise<void> {
    const event = {
      action,
      actor: attempt.actor,
      // The server's record, not the request: an unknown access ID has no device.
      target: attempt.access?.deviceId ?? null,
      sourceAddress: attempt.sourceAddress,
      details: { accessId: attempt.accessId, ...details },
    };
    if (action === 'unattended.throttled') await this.audit.refused(event, { isPerTarget: true });
    else await this.audit.record(event);
  }
}
