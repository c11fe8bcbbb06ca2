import type { AgentMessage, MessageOf, ServerMessage } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import { repeat, type CancelTimer, type Clock } from '../clock.js';
import { createWakeUpCheck } from './wake-up-check.js';
import { startWakeListener, type WakeListener } from './wake-listener.js';

/** What the server says about how this agent keeps in touch. */
export type WakeMode = MessageOf<ServerMessage, 'wake.mode'>;

/** A passive agent's behaviour; see {@link createPassiveMode}. */
export interface PassiveMode {
  /** Follows the server's `wake.mode` on the connection that brought it. */
  apply(mode: WakeMode, send: (message: AgentMessage) => void): Promise<void>;
  /** Closes the wake port and stops watching for idleness. */
  stop(): Promise<void>;
}

/** What a passive agent needs from the rest of the agent. */
export interface PassiveModeOptions {
  deviceId: string;
  pinnedKey: () => string;
  clock: Clock;
  log: Logger;
  /** Listen here instead of the server's port (0: any free port; tests run many agents). */
  portOverride?: number;
  /** Whether something runs that needs the connection (a session). */
  isBusy: () => boolean;
  /** Starts connecting (after a wake-up); a no-op while connected or connecting. */
  connect: () => void;
  /** Closes the control connection and stops reconnecting. */
  disconnect: () => Promise<void>;
}

/**
 * Passive agents: while the server says `passive`, the agent listens on its wake port,
 * and once no session has run for the idle time it closes its control connection and holds
 * none until a signed wake-up arrives; then it connects, and the server's next `wake.mode`
 * starts the idle clock again. Loaded only when the server says `passive` (agent memory).
 *
 * @example
 * const passive = createPassiveMode({ deviceId, pinnedKey, clock, log, isBusy, connect, disconnect });
 * await passive.apply(mode, connection.send);
 */
export function createPassiveMode(options: PassiveModeOptions): PassiveMode {
  const { clock, log } = options;
  const check = createWakeUpCheck(options);
  let listener: { wanted: number; listening: Promise<WakeListener> } | undefined;
  let stopIdleWatch: CancelTimer | undefined;

  const listen = async (wanted: number): Promise<WakeListener> => {
    if (listener?.wanted === wanted) return listener.listening;
    await closeListener();
    const listening = startWakeListener({ port: wanted, check, onWake: options.connect, log });
    listener = { wanted, listening };
    try {
      const bound = await listening;
      log.info({ port: bound.port }, 'passive agent: listening for wake-ups');
      return bound;
    } catch (error) {
      listener = undefined;
      throw error;
    }
  };

  const closeListener = async (): Promise<void> => {
    const current = listener;
    listener = undefined;
    if (current) await (await current.listening.catch(() => undefined))?.close();
  };

  /** Disconnects once no session has run for `idleMs`, checked a few times per idle period. */
  const watchIdle = (idleMs: number): void => {
    stopIdleWatch?.();
    let busyAt = clock.now().getTime();
    const tickMs = Math.min(Math.max(Math.floor(idleMs / 4), 250), 15_000);
    stopIdleWatch = repeat(
      clock,
      () => {
        const now = clock.now().getTime();
        if (options.isBusy()) busyAt = now;
        if (now - busyAt < idleMs) return;
        stopIdleWatch?.();
        stopIdleWatch = undefined;
        log.info(
          { idleSec: idleMs / 1000 },
          'passive agent: no session for the idle time; disconnecting until woken',
        );
        options.disconnect().catch((error: unknown) => {
          log.error({ err: error }, 'passive agent: cannot disconnect');
        });
      },
      tickMs,
    );
  };

  return {
    async apply(mode, send) {
      if (mode.connectionType === 'active') {
        stopIdleWatch?.();
        stopIdleWatch = undefined;
        if (listener) log.info('the server made this agent active again: closing the wake port');
        return closeListener();
      }
      let bound: WakeListener;
      try {
        bound = await listen(options.portOverride ?? mode.passivePort);
      } catch (error) {
        // Without a wake port nobody could wake it: stay connected, like an active agent.
        log.error(
          { err: error, port: options.portOverride ?? mode.passivePort },
          'passive agent: cannot listen on the wake port; staying connected',
        );
        return;
      }
      send({ type: 'wake.listening', port: bound.port });
      watchIdle(mode.idleSec * 1000);
    },
    async stop() {
      stopIdleWatch?.();
      stopIdleWatch = undefined;
      await closeListener();
    },
  };
}
