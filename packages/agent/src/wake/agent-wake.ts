import type { AgentMessage, MessageOf, ServerMessage } from '@tether/protocol/agent';
import type { PassiveMode, PassiveModeOptions } from './passive-mode.js';

type Send = (message: AgentMessage) => void;

/** The agent's side of waking; see {@link createAgentWake}. */
export interface AgentWake {
  onWakeMode(mode: MessageOf<ServerMessage, 'wake.mode'>, send: Send): void;
  onWakeOnLan(request: MessageOf<ServerMessage, 'wake.on_lan'>, send: Send): void;
  stop(): Promise<void>;
}

/**
 * What the agent does with the server's `wake.mode` and `wake.on_lan`. The code behind them is
 * imported at first use only: an active agent that never relays a Wake-on-LAN packet loads
 * none of it (the agent's memory is at its target).
 *
 * @example
 * const wake = createAgentWake({ deviceId, pinnedKey, clock, log, isBusy, connect, disconnect });
 * events.onWakeMode = (mode) => wake.onWakeMode(mode, connection.send);
 */
export function createAgentWake(options: PassiveModeOptions): AgentWake {
  const { log } = options;
  let passive: Promise<PassiveMode> | undefined;
  let isStopped = false;

  return {
    onWakeMode(mode, send) {
      if (isStopped || (mode.connectionType === 'active' && !passive)) return;
      passive ??= import('./passive-mode.js').then(({ createPassiveMode }) =>
        createPassiveMode(options),
      );
      passive
        .then((passiveMode) => (isStopped ? undefined : passiveMode.apply(mode, send)))
        .catch((error: unknown) => log.error({ err: error }, 'cannot follow the wake mode'));
    },
    onWakeOnLan(request, send) {
      import('./wake-on-lan.js')
        .then(({ sendWakeOnLan }) => sendWakeOnLan(request))
        .then((reply) => {
          if (reply.error) log.warn(reply.error.message);
          else log.info({ mac: request.mac }, 'sent Wake-on-LAN packets for another device');
          send(reply);
        })
        .catch((error: unknown) => log.error({ err: error }, 'cannot send Wake-on-LAN packets'));
    },
    async stop() {
      isStopped = true;
      await (await passive?.catch(() => undefined))?.stop();
    },
  };
}
