import type { AgentMessage, MessageOf, ServerMessage } from '@tether/protocol/agent';
import type { UnattendedService } from './unattended-service.js';
import type { UserPresence } from './user-presence.js';

/** The server's unattended-service messages (M-2, M-3). */
export type UnattendedMessage = MessageOf<
  ServerMessage,
  'unattended.enable' | 'unattended.disable' | 'unattended.sync'
>;

/**
 * Turns the unattended service on or off as the server says. For dynamic assistance
 * (`checkPresence`) the agent first looks for a user: when one is logged in it refuses with
 * CONFLICT, because then the interactive flow applies (M-3). Every `enable` gets a reply.
 *
 * @example
 * onUnattended: (message) => void handleUnattendedMessage(message, { unattended, presence, send }),
 */
export async function handleUnattendedMessage(
  message: UnattendedMessage,
  deps: {
    unattended: UnattendedService;
    presence: UserPresence;
    send: (message: AgentMessage) => void;
  },
): Promise<void> {
  if (message.type === 'unattended.disable') {
    deps.unattended.disable(message.accessId, message.reason);
    return;
  }
  if (message.type === 'unattended.sync') {
    deps.unattended.keepOnly(message.accessIds);
    // An access turned off here is skipped; the report to the server is still on its way.
    for (const accessId of message.accessIds) deps.unattended.enable(accessId);
    return;
  }
  const { accessId } = message;
  if (message.checkPresence) {
    const presence = await deps.presence().catch(() => undefined);
    if (presence?.loggedIn) {
      deps.send({
        type: 'unattended.reply',
        accessId,
        error: {
          code: 'CONFLICT',
          message: `A user${presence.user ? ` (${presence.user})` : ''} is logged in at the device, so dynamic assistance asks them to accept: open a dynamic session instead of unattended access.`,
        },
      });
      return;
    }
  }
  if (!deps.unattended.enable(accessId)) {
    deps.send({
      type: 'unattended.reply',
      accessId,
      error: {
        code: 'CONFLICT',
        message: 'The user at the device turned this unattended access off; create a new one.',
      },
    });
    return;
  }
  deps.send({ type: 'unattended.reply', accessId });
}
