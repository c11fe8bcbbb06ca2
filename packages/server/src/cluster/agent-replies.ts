import {
  AgentConsentPending,
  AgentSessionRefused,
  AgentUnattendedReply,
  AgentWakeOnLanSent,
  OemReplyMessage,
  type AgentMessage,
  type ErrorBody,
  type MessageOf,
} from '@tether/protocol';
import { z } from 'zod';
import type { Logger } from '../logging.js';
import type { Cluster } from './cluster.js';
import { subjects } from './subjects.js';

/**
 * The agent answers that a request on any node may be waiting for (session offers and consent,
 * unattended access, the integration API, Wake-on-LAN), and the disconnect that fails them.
 * Each handler ignores what no request of its node waits for.
 */
export interface AgentReplyHandlers {
  onSessionRefused: (deviceId: string, sessionId: string, error: ErrorBody) => void;
  onConsentPending: (deviceId: string, sessionId: string, expiresAt: Date) => void;
  onUnattendedReply: (deviceId: string, reply: MessageOf<AgentMessage, 'unattended.reply'>) => void;
  onOemReply: (deviceId: string, reply: MessageOf<AgentMessage, 'oem.reply'>) => void;
  onWakeOnLanSent: (deviceId: string, reply: MessageOf<AgentMessage, 'wake.on_lan_sent'>) => void;
  onDisconnected: (deviceId: string) => void;
}

const Forwarded = z.object({
  origin: z.string(),
  deviceId: z.string(),
  message: z.discriminatedUnion('type', [
    AgentSessionRefused,
    AgentConsentPending,
    AgentUnattendedReply,
    OemReplyMessage,
    AgentWakeOnLanSent,
    z.object({ type: z.literal('disconnected') }),
  ]),
});
type Forwarded = z.infer<typeof Forwarded>;

/**
 * Agent answers reach the node waiting for them: the node holding the agent handles each
 * answer itself and forwards it on `tether.agent-reply`; every other node handles it too (the one
 * waiting acts, the rest find nothing waiting). A single node forwards nothing.
 *
 * @example
 * const replies = forwardAgentReplies(cluster, { onSessionRefused: …, … }, log);
 */
export function forwardAgentReplies(
  cluster: Cluster,
  handlers: AgentReplyHandlers,
  log: Logger,
): AgentReplyHandlers {
  if (!cluster.isClustered) return handlers;
  const self = cluster.nodeId;
  const dispatch = (deviceId: string, message: Forwarded['message']): void => {
    switch (message.type) {
      case 'session.refused':
        return handlers.onSessionRefused(deviceId, message.sessionId, message.error);
      case 'session.consent_pending':
        return handlers.onConsentPending(deviceId, message.sessionId, new Date(message.expiresAt));
      case 'unattended.reply':
        return handlers.onUnattendedReply(deviceId, message);
      case 'oem.reply':
        return handlers.onOemReply(deviceId, message);
      case 'wake.on_lan_sent':
        return handlers.onWakeOnLanSent(deviceId, message);
      case 'disconnected':
        return handlers.onDisconnected(deviceId);
    }
  };
  cluster.bus.subscribe(subjects.agentReply, (raw) => {
    const parsed = Forwarded.safeParse(raw);
    if (!parsed.success) log.warn('malformed agent reply from another node ignored');
    else if (parsed.data.origin !== self) dispatch(parsed.data.deviceId, parsed.data.message);
  });
  const forward = (deviceId: string, message: Forwarded['message']): void => {
    dispatch(deviceId, message);
    cluster.bus.publish(subjects.agentReply, { origin: self, deviceId, message });
  };
  return {
    onSessionRefused: (deviceId, sessionId, error) =>
      forward(deviceId, { type: 'session.refused', sessionId, error }),
    onConsentPending: (deviceId, sessionId, expiresAt) =>
      forward(deviceId, {
        type: 'session.consent_pending',
        sessionId,
        expiresAt: expiresAt.getTime(),
      }),
    onUnattendedReply: (deviceId, reply) => forward(deviceId, reply),
    onOemReply: (deviceId, reply) => forward(deviceId, reply),
    onWakeOnLanSent: (deviceId, reply) => forward(deviceId, reply),
    onDisconnected: (deviceId) => forward(deviceId, { type: 'disconnected' }),
  };
}
