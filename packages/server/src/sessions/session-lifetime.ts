import { wsCloseCode } from '@tether/protocol';
import { watchAccessWindow, type AccessWindowWatch } from '../assistance/access-window-watch.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';

/** `43200` → `12 h`, `90` → `90 s`: the limit as the ended session's reason states it. */
export function describeLifetime(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * Ends a session at its absolute lifetime, however active it is (a forgotten session must not
 * stay open for days): audited, and both ends get the reason. The clock is read on every check,
 * so an injected clock drives it in tests.
 *
 * @example
 * const watch = watchSessionLifetime({ clock, audit, checkEveryMs: 1000 }, { ...session, end });
 */
export function watchSessionLifetime(
  deps: { clock: Clock; audit: AuditLog; log: Logger; checkEveryMs: number },
  session: {
    id: string;
    deviceId: string;
    technician: string;
    createdAt: Date;
    maxLifetimeSec: number;
    end: (reason: string, code: number) => void;
  },
): AccessWindowWatch {
  const limit = describeLifetime(session.maxLifetimeSec);
  return watchAccessWindow(
    {
      closesAt: new Date(session.createdAt.getTime() + session.maxLifetimeSec * 1000),
      warnBeforeSec: 0,
      endAtClose: true,
      description: `at most ${limit}`,
    },
    {
      clock: deps.clock,
      checkEveryMs: deps.checkEveryMs,
      onWarn: () => undefined,
      onClose: () => {
        void deps.audit
          .record({
            action: 'session.lifetime_reached',
            actor: 'system',
            target: session.deviceId,
            details: { sessionId: session.id, technician: session.technician, limit },
          })
          .catch((error: unknown) => deps.log.error({ err: error }, 'audit failed'));
        session.end(
          `The session reached its maximum length of ${limit}; open a new session to continue.`,
          wsCloseCode.SESSION_ENDED,
        );
      },
    },
  );
}
