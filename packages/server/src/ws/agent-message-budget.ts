import { AppError } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { AgentChannel } from '../devices/agent-channel.js';
import { MessageBudget, type MessageLimits } from '../devices/message-budget.js';
import type { Logger } from '../logging.js';

/**
 * Puts one agent connection on its message budget: returns a check to call before each message
 * is parsed, true when the message is to be handled. Excess messages are dropped and counted; a
 * flood is disconnected with its reason, audited once.
 *
 * @example
 * const admit = admitMessages(channel, { clock, audit, log, limits: config.agents, remoteAddress });
 * ws.on('message', (data) => { if (admit()) channel.onText(String(data)); });
 */
export function admitMessages(
  channel: AgentChannel,
  deps: {
    clock: Clock;
    audit: AuditLog;
    log: Logger;
    limits: MessageLimits;
    remoteAddress: string;
  },
): () => boolean {
  const budget = new MessageBudget(deps.limits, deps.clock.now().getTime());
  let isCut = false;
  return () => {
    if (isCut) return false;
    const verdict = budget.take(deps.clock.now().getTime());
    if (verdict === 'accept') return true;
    if (verdict === 'drop') {
      if (budget.dropped === 1)
        deps.log.warn(
          { deviceId: channel.deviceId, limit: deps.limits.messagesPerSec },
          'agent over its message budget: dropping messages',
        );
      return false;
    }
    isCut = true;
    const deviceId = channel.deviceId || null;
    deps.audit
      .record({
        action: 'device.rate_limited',
        actor: deviceId ? `device:${deviceId}` : deps.remoteAddress,
        target: deviceId,
        sourceAddress: deps.remoteAddress,
        details: { dropped: budget.dropped, messagesPerSec: deps.limits.messagesPerSec },
      })
      .catch((error: unknown) => deps.log.error({ err: error }, 'audit failed'));
    channel.fail(
      new AppError(
        'RATE_LIMITED',
        `Too many messages: the agent sent far more than ${deps.limits.messagesPerSec} per second and was disconnected.`,
      ),
    );
    return false;
  };
}
