import type { AuditLog } from '../audit/audit-log.js';
import type { Logger } from '../logging.js';
import type { Notifications } from '../ports/notifications.js';
import { serverErrorNotice } from '../notifications/notices.js';

/**
 * Work nobody waits for (an audit row written after a refusal, a device pushed to an event
 * stream, a session ended when its peer left). Every such promise goes through here, so a
 * failure — typically the store being unavailable — is logged and audited instead of becoming an
 * unhandled rejection, which would end the server process and every live session with it.
 *
 * @example
 * tasks.run('audit a refused upgrade', () => audit.record(event), { path });
 */
export interface BackgroundTasks {
  /** Starts `work` now; its failure is reported, never thrown. */
  run(what: string, work: () => Promise<unknown>, context?: Record<string, unknown>): void;
  /** Resolves once every task started so far has settled (shutdown, tests). */
  settled(): Promise<void>;
}

export function createBackgroundTasks(deps: {
  log: Logger;
  audit: Pick<AuditLog, 'record'>;
  notifications?: Notifications;
}): BackgroundTasks {
  const running = new Set<Promise<unknown>>();

  const report = async (what: string, error: unknown, context: Record<string, unknown>) => {
    const message = error instanceof Error ? error.message : String(error);
    deps.log.error({ err: error, task: what, ...context }, `background task failed: ${what}`);
    deps.notifications?.notify(serverErrorNotice(what, message.slice(0, 500)));
    try {
      await deps.audit.record({
        action: 'server.task_failed',
        actor: 'system',
        details: { task: what, error: message.slice(0, 500) },
      });
    } catch (auditError) {
      // The audit log shares the store that most likely just failed; the log line above is
      // the record then.
      deps.log.error({ err: auditError, task: what }, 'could not audit a failed background task');
    }
  };

  return {
    run(what, work, context = {}) {
      const task = Promise.resolve()
        .then(work)
        .catch((error: unknown) => report(what, error, context))
        .finally(() => running.delete(task));
      running.add(task);
    },
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
