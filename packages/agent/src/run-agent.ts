import { join } from 'node:path';
import {
  AppError,
  CONSENT_SOCKET_FILE,
  type AgentSettings,
  type DeviceInventory,
  type DeviceNetwork,
} from '@tether/protocol/agent';
import type { Logger } from './logging.js';
import type { AgentHandle, RunAgentOptions } from './run-agent-options.js';
import { systemClock, type CancelTimer } from './clock.js';
import { readAgentState } from './identity/agent-state.js';
import { isUninstallRequested, UNINSTALL_REQUEST_FILE } from './install/uninstall-request.js';
import { createServerPin } from './identity/server-pin.js';
import { collectInventory } from './platform/inventory.js';
import { collectNetwork } from './platform/network.js';
import { selectPlatform } from './platform/select-platform.js';
import { createOemService } from './oem/oem-service.js';
import { createSessionRegistry } from './sessions/session-registry.js';
import { createOfferGate } from './assistance/check-offer.js';
import { createConsentBroker } from './assistance/consent-broker.js';
import { startConsentEndpoint } from './assistance/consent-endpoint.js';
import { desktopDialogFrontend } from './assistance/desktop-dialog.js';
import {
  DEFAULT_PRESENCE_CHECK_MS,
  startPresenceReporter,
} from './assistance/presence-reporter.js';
import { desktopSessionNotifier } from './assistance/session-notices.js';
import { createUnattendedService } from './assistance/unattended-service.js';
import { handleUnattendedMessage } from './assistance/unattended-messages.js';
import { logindUserPresence } from './assistance/user-presence.js';
import { createShellPool } from './sessions/terminal/shell-pool.js';
import { resolveShell } from './sessions/terminal/shell.js';
import { createStatsCollector } from './stats/stats-collector.js';
import { startStatsReporter, type LastStatsSample } from './stats/stats-reporter.js';
import { createBackoff } from './transport/backoff.js';
import { openControlConnection, type ControlConnection } from './transport/control-connection.js';
import { startControlLoop, type ControlLoop } from './transport/control-loop.js';
import { createUpgrader, installedHome, type Upgrader } from './upgrade/upgrader.js';
import { loadDeletionDeadline } from './maintenance/deletion-deadline.js';
import type { SelfUninstallRequest } from './install/self-uninstall.js';
import { createAgentWake } from './wake/agent-wake.js';

/** The user has this long to answer a consent question; it must stay under the relay token's 60 s. */
const DEFAULT_CONSENT_TIMEOUT_MS = 30_000;

export type { AgentHandle, RunAgentOptions } from './run-agent-options.js';

/**
 * Runs an enrolled agent: keeps an authenticated control channel to the pinned server
 * (reconnecting with backoff), reports the statistics the server asks for and serves the
 * sessions it offers. Throws an `AppError` saying what to do when the agent is not enrolled.
 *
 * @example
 * const agent = await runAgent({ dataDir: '/var/lib/tether-agent', log });
 * process.once('SIGTERM', () => void agent.stop());
 */
export async function runAgent(options: RunAgentOptions): Promise<AgentHandle> {
  const { log, dataDir } = options;
  const clock = options.clock ?? systemClock;
  if (isUninstallRequested(dataDir))
    throw new AppError(
      'UNAVAILABLE',
      `This device was deleted from its server and the agent asked to be uninstalled (${join(dataDir, UNINSTALL_REQUEST_FILE)}). Run \`tether-agent uninstall --purge\` as root to finish.`,
    );
  const state = await readAgentState(dataDir);
  const pin = createServerPin(dataDir, state.config);
  const platform = options.platform ?? selectPlatform(process.platform);
  const inventory = await collectInventory(platform);
  const { desktop } = options;
  const collector = createStatsCollector({
    platform,
    log,
    // The VNC client loads with the first thumbnail the server asks for, not at every start.
    ...(desktop
      ? {
          screenThumbnail: async () => {
            const { grabScreenThumbnail } = await import('./sessions/desktop/screen-thumbnail.js');
            return grabScreenThumbnail(desktop, clock);
          },
        }
      : {}),
  });
  const shellPool =
    options.spareShell === false
      ? undefined
      : createShellPool({ command: () => resolveShell(process.env, process.platform), clock, log });
  const consentTimeoutMs = options.consentTimeoutMs ?? DEFAULT_CONSENT_TIMEOUT_MS;
  const dialog = await desktopDialogFrontend({
    env: process.env,
    log,
    timeoutMs: consentTimeoutMs,
  });
  let current: ControlConnection | undefined;
  const consent = createConsentBroker({
    clock,
    log,
    timeoutMs: consentTimeoutMs,
    frontends: [
      // The console shows the technician that the user is being asked, and until when.
      (prompt) =>
        current?.send({
          type: 'session.consent_pending',
          sessionId: prompt.id,
          expiresAt: prompt.expiresAt,
        }),
      ...(dialog ? [dialog] : []),
      ...(options.consentFrontends ?? []),
    ],
  });
  const presence = options.userPresence ?? logindUserPresence;
  const notify = await desktopSessionNotifier({ env: process.env, log });
  const unattended = createUnattendedService({ clock, log });
  /** Tells the server which accesses the user here turned off (again after each reconnect). */
  const reportUnattendedOff = (): void => {
    const accessIds = unattended.unreported();
    if (accessIds.length > 0) current?.send({ type: 'unattended.turned_off', accessIds });
  };
  const sessions = createSessionRegistry({
    serverUrl: state.config.serverUrl,
    log,
    clock,
    gate: createOfferGate({
      consent,
      presence,
      unattended,
      isConsentAlways: options.isConsentAlways ?? false,
    }),
    unattended,
    ...(notify ? { notify } : {}),
    ...(shellPool ? { shellPool } : {}),
    ...(options.fileRoots ? { fileRoots: options.fileRoots } : {}),
    ...(options.desktop ? { vnc: options.desktop } : {}),
  });
  // Without the socket the user can still answer in a desktop dialog; an interactive request
  // nobody can answer times out to "no", so the agent runs on rather than failing to start.
  const consentEndpoint = await startConsentEndpoint({
    socketPath: join(dataDir, CONSENT_SOCKET_FILE),
    consent,
    sessions: () => sessions.running(),
    unattended,
    onUnattendedOff: reportUnattendedOff,
    endSession: (id) => {
      if (!sessions.running().some((session) => session.id === id)) return false;
      sessions.cancel(id, 'The user at the device ended the session.');
      return true;
    },
    log,
  }).catch((error: unknown) => {
    log.warn(
      { err: error },
      'cannot open the local consent socket; `tether agent prompts` will not work',
    );
    return undefined;
  });
  const listeners = new Set<(isConnected: boolean) => void>();
  const installDir = options.installDir ?? (await installedHome(process.env));
  const upgrader: Upgrader | undefined = installDir
    ? createUpgrader({
        installDir,
        serverUrl: state.config.serverUrl,
        pinnedKey: () => pin.current(),
        log,
        restart: () => (options.onUpgraded ?? exitForUpgrade)(handle),
      })
    : undefined;
  let stopStats: CancelTimer | undefined;
  /** The last statistics sample sent, whichever connection sent it. */
  const lastStats: LastStatsSample = {};
  let stopPresence: CancelTimer | undefined;
  let isUninstalling = false;
  /** Stops everything, then removes the agent from the device (A-7: past its deadline). */
  const uninstall = (reason: string): void => {
    if (isUninstalling) return;
    isUninstalling = true;
    const remove = options.uninstall ?? uninstallSelfLazily;
    void handle
      .stop()
      .then(() =>
        remove({
          reason,
          dataDir,
          log: (line) => log.warn(line),
          ...(installDir ? { installDir } : {}),
        }),
      )
      .then(
        () => (options.onUninstalled ?? exitAfterUninstall)(),
        (error: unknown) => log.error({ err: error }, 'could not uninstall the agent'),
      );
  };
  const deadline = await loadDeletionDeadline({ dataDir, clock, log, onDeadline: uninstall });

  const oem = createOemService({
    dataDir,
    clock,
    log,
    ...(options.rolloutFile ? { rolloutFile: options.rolloutFile } : {}),
  });
  const reportStats = (connection: ControlConnection, settings: AgentSettings): void => {
    stopStats?.();
    stopStats = startStatsReporter({
      clock,
      collector,
      settings: settings.statistics,
      send: connection.send,
      log,
      last: lastStats,
    });
  };
  let isStopping = false;
  const wake = createAgentWake({
    deviceId: state.config.deviceId,
    pinnedKey: () => pin.current(),
    clock,
    log,
    ...(options.passivePort === undefined ? {} : { portOverride: options.passivePort }),
    isBusy: () => sessions.running().length > 0,
    connect: () => {
      if (!isStopping) loop ??= startLoop();
    },
    disconnect: async () => {
      const stopping = loop;
      loop = undefined;
      await stopping?.stop();
    },
  });
  const openConnection = (onAuthenticated: () => void): ControlConnection => {
    const connection: ControlConnection = openControlConnection({
      state,
      pin,
      inventory: withNetwork(inventory, options.network ?? collectNetwork, log),
      hasDesktop: options.desktop !== undefined,
      log,
      clock,
      events: {
        onWelcome: (welcome) => {
          current = connection;
          onAuthenticated();
          deadline.onConnected(welcome.settings.maintenance);
          reportStats(connection, welcome.settings);
          stopPresence?.();
          stopPresence = startPresenceReporter({
            clock,
            presence,
            send: connection.send,
            log,
            intervalMs: options.presenceCheckMs ?? DEFAULT_PRESENCE_CHECK_MS,
          });
          reportUnattendedOff();
          oem.onWelcome(welcome.remoteControlId).catch((error: unknown) => {
            log.error({ err: error }, 'cannot update the rollout file');
          });
          upgrader?.onWelcome(connection.send).catch((error: unknown) => {
            log.error({ err: error }, 'cannot settle the last upgrade');
          });
        },
        onSettings: (settings) => {
          deadline.onSettings(settings.maintenance);
          reportStats(connection, settings);
        },
        onOffer: (offer, tlsFingerprint) =>
          sessions.offer(offer, { tlsFingerprint, send: connection.send }),
        onCancel: (cancel) => {
          consent.withdraw(cancel.sessionId);
          sessions.cancel(cancel.sessionId, cancel.reason);
        },
        onParticipant: (participant) => sessions.participant(participant),
        onUnattended: (message) =>
          void handleUnattendedMessage(message, { unattended, presence, send: connection.send }),
        onOemRequest: (request) => {
          oem.handle(request).then(connection.send, (error: unknown) => {
            log.error({ err: error }, 'integration API request failed');
          });
        },
        onUninstall: (message) => {
          log.warn({ reason: message.reason }, `the server says: ${message.message}`);
          uninstall(message.message);
        },
        onWakeMode: (mode) => wake.onWakeMode(mode, connection.send),
        onWakeOnLan: (request) => wake.onWakeOnLan(request, connection.send),
        ...(upgrader && {
          // The latest connection: a download can outlive the one that brought the offer.
          onUpgradeOffer: (offer) => upgrader.offer(offer, (message) => current?.send(message)),
        }),
      },
    });
    return connection;
  };
  // A passive agent stops its loop when idle and starts a new one when woken.
  const startLoop = (): ControlLoop =>
    startControlLoop({
      clock,
      backoff: createBackoff(options.random ? { random: options.random } : {}),
      log,
      openConnection,
      onConnectionChange: (isConnected) => {
        if (!isConnected) {
          deadline.onDisconnected();
          stopStats?.();
          stopStats = undefined;
          stopPresence?.();
          stopPresence = undefined;
          current = undefined;
        }
        for (const listener of listeners) listener(isConnected);
      },
    });
  let loop: ControlLoop | undefined = startLoop();
  log.info({ deviceId: state.config.deviceId, server: state.config.serverUrl }, 'agent started');

  const handle: AgentHandle = {
    deviceId: state.config.deviceId,
    onConnectionChange: (listener) => void listeners.add(listener),
    activeSessions: () => sessions.size,
    async stop() {
      isStopping = true;
      await Promise.all([
        shellPool?.stop(),
        wake.stop(),
        loop?.stop(),
        sessions.stopAll('the agent is stopping'),
        oem.stop(),
        consentEndpoint?.close(),
      ]);
      stopStats?.();
      stopStats = undefined;
      stopPresence?.();
      await deadline.stop();
      unattended.stop();
      log.info('agent stopped');
    },
  };
  deadline.start();
  return handle;
}

/** The uninstall code is loaded only when needed: the agent's memory has no margin. */
async function uninstallSelfLazily(request: SelfUninstallRequest): Promise<void> {
  const { uninstallSelf } = await import('./install/self-uninstall.js');
  await uninstallSelf(request);
}

/** Uninstalled: nothing is left to run (the service manager does not start it again). */
function exitAfterUninstall(): void {
  process.exit(0);
}

/** The inventory with the network as it is now; without it when the OS will not say. */
function withNetwork(
  inventory: DeviceInventory,
  network: () => DeviceNetwork,
  log: Logger,
): DeviceInventory {
  try {
    return { ...inventory, network: network() };
  } catch (error) {
    log.warn(
      { err: error },
      'cannot read the network interfaces; waking this device will not work',
    );
    return inventory;
  }
}

/** The service manager (or the launcher's supervisor) starts the agent again: the new version. */
function exitForUpgrade(agent: AgentHandle): void {
  void agent.stop().finally(() => process.exit(0));
}
