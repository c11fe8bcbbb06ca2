import type { MessageOf, ServerMessage } from '@tether/protocol';

/** A request of the integration API, as the server forwards it. */
export type OemRequest = MessageOf<ServerMessage, 'oem.request'>;
/** The agent's answer. */
export type OemReply = {
  type: 'oem.reply';
  requestId: string;
  result?: unknown;
  error?: {
    code:
      | 'UNAVAILABLE'
      | 'FORBIDDEN'
      | 'NOT_FOUND'
      | 'INVALID_INPUT'
      | 'TOKEN_INVALID'
      | 'TOKEN_EXPIRED'
      | 'CONFLICT'
      | 'INTERNAL';
    message: string;
  };
};

/** The agent's side of the integration API (O-2 … O-5): rollout file, device keys, secrets. */
export interface OemService {
  /** The server told the agent its remote-control ID (on every welcome). */
  onWelcome(remoteControlId: string | undefined): Promise<void>;
  handle(request: OemRequest): Promise<OemReply>;
  stop(): Promise<void>;
}

/** Until the integration API lands on the agent, every request is declined clearly. */
export function createOemService(): OemService {
  return {
    onWelcome: () => Promise.resolve(),
    handle: (request) =>
      Promise.resolve({
        type: 'oem.reply',
        requestId: request.requestId,
        error: {
          code: 'UNAVAILABLE',
          message: 'This agent does not support the integration API yet; update it.',
        },
      }),
    stop: () => Promise.resolve(),
  };
}
