import type { MessageOf, AgentMessage } from '@tether/protocol';

/** An agent's answer to an integration API request. */
export type OemReply = MessageOf<AgentMessage, 'oem.reply'>;

/** The server's side of the integration API (O-1 … O-6): tenants, tokens, forwarding to agents. */
export interface OemService {
  /** An agent answered an `oem.request`. */
  onReply(deviceId: string, reply: OemReply): void;
}

/** Until the integration API lands, replies are ignored (no request is ever sent). */
export function createOemService(): OemService {
  return { onReply: () => undefined };
}
