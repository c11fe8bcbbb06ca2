// What `agent run` holds for upgrades at start: a few closures and node:fs. The code that
// verifies and installs a build is imported when the first offer arrives.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentMessage, MessageOf, ServerMessage } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import { AGENT_VERSION } from '../agent-version.js';
import { settleUpgrade } from './upgrade-files.js';

export interface Upgrader {
  /** After each `welcome`: confirms a finished upgrade or reports a rollback. */
  onWelcome(send: (message: AgentMessage) => void): Promise<void>;
  /** Installs an offered build, one at a time; then `restart` runs. */
  offer(
    offer: MessageOf<ServerMessage, 'upgrade.offer'>,
    send: (message: AgentMessage) => void,
  ): void;
}

/**
 * The install folder the launcher ran this agent from (`TETHER_AGENT_HOME`), when it is an
 * install (it has a `current` link): only then can the agent upgrade itself.
 */
export async function installedHome(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const home = env.TETHER_AGENT_HOME;
  if (!home) return undefined;
  const link = await lstat(join(home, 'current')).catch(() => undefined);
  return link?.isSymbolicLink() ? home : undefined;
}

/**
 * @example
 * const upgrader = createUpgrader({ installDir, serverUrl, pinnedKey: () => pin.current(), log, restart });
 */
export function createUpgrader(options: {
  installDir: string;
  serverUrl: string;
  pinnedKey: () => string;
  log: Logger;
  /** The new version is in place: stop, so that the service starts it. */
  restart: () => void;
}): Upgrader {
  const { installDir, log } = options;
  let isBusy = false;
  return {
    async onWelcome(send) {
      const outcome = await settleUpgrade(installDir, AGENT_VERSION);
      if (!outcome) return;
      log.info(outcome, `upgrade to ${outcome.version}: ${outcome.state}`);
      send({ type: 'upgrade.status', ...outcome });
    },
    offer(offer, send) {
      if (isBusy) return log.warn({ version: offer.version }, 'ignored an upgrade offer: busy');
      isBusy = true;
      import('./apply-upgrade.js')
        .then(({ applyUpgrade }) =>
          applyUpgrade({
            offer,
            serverUrl: options.serverUrl,
            pinnedKey: options.pinnedKey(),
            installDir,
            runningVersion: AGENT_VERSION,
            log,
            report: (state, reason) =>
              send({
                type: 'upgrade.status',
                version: offer.version,
                state,
                ...(reason !== undefined && { reason: reason.slice(0, 1000) }),
              }),
          }),
        )
        .then(
          (mustRestart) => {
            isBusy = false;
            if (mustRestart) options.restart();
          },
          (error: unknown) => {
            isBusy = false;
            log.error({ err: error }, 'cannot load the upgrade code');
          },
        );
    },
  };
}
