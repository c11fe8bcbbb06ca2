import type { HttpsOptions } from '../http/https-app.js';
import { createBackgroundTasks } from '../jobs/background-tasks.js';
import { createNotificationService } from '../notifications/notification-service.js';
import { configuredSettings } from '../notifications/notification-settings.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@tether/protocol';
import { createAdminApp } from '../admin/admin-app.js';
import { createMetrics } from '../admin/metrics.js';
import { createAuditLog } from '../audit/audit-log.js';
import { createAuditRetention } from '../audit/audit-retention.js';
import { applyStagedRestore, restoreAuditEntry } from '../backup/staged-restore.js';
import { ensureAdminAccount } from '../auth/admin-account.js';
import { systemClock } from '../clock.js';
import { databasePoolOptions, databaseUrl } from '../config/config.js';
import { DevicePresence } from '../devices/device-presence.js';
import { createUserApp } from '../http/user-app.js';
import { registeredRoutes } from '../http/https-app.js';
import { createInstallerService } from '../installers/installer-service.js';
import { createUserService } from '../users/user-service.js';
import { createRoleService } from '../roles/role-service.js';
import { createDeviceGroupService } from '../groups/device-group-service.js';
import { createSsoService } from '../sso/sso-service.js';
import { loadSecretBox } from '../keys/secret-box.js';
import { loadServerKeyRing } from '../keys/server-key-ring.js';
import { createServerKeyService } from '../keys/server-key-service.js';
import { sharedServerKeys } from '../keys/shared-server-keys.js';
import { loadServedMaterial } from '../tls/tls-change.js';
import { TlsService } from '../tls/tls-service.js';
import { loadProxyState } from '../net/proxy-settings.js';
import { detectPublicHost } from '../net/public-host.js';
import { loadPublicUrlState } from '../net/public-url.js';
import { loadAdmissionState } from '../devices/admission-settings.js';
import { SessionInvitations } from '../sessions/session-invitations.js';
import { openStore } from '../store/index.js';
import { attachWebSockets } from '../ws/upgrade.js';
import type { ServerContext } from '../ports/server-context.js';
import { bindListeners, closeRedirect } from '../listeners/bind-listeners.js';
import { ListenerBoard } from '../listeners/listener-board.js';
import { planListeners, readSavedPorts } from '../listeners/port-settings.js';
import { recoverAfterRestart } from './recover.js';
import { agentChannelDeps } from './agent-channel-wiring.js';
import { startChannelSweeper } from './sweeper.js';
import { finishHeadlessDeletions } from '../devices/headless-deletions.js';
import { createSignInServices } from './sign-in-services.js';
import { createSessionServices } from './session-services.js';
import { createFleetServices } from './fleet-services.js';
import type { RunningServer, StartServerOptions } from './server-options.js';
import { createAgentPackages } from '../agent-packages/agent-package-service.js';
import { serverTlsPin } from '../agent-packages/tls-pin.js';
import { deleteDevice } from '../devices/delete-device.js';
import { joinAsNode } from './cluster-node.js';

/** How often agents send a heartbeat; silent for 3× this, a channel is closed. */
const HEARTBEAT_SEC = 20;

export type { RunningServer, StartServerOptions } from './server-options.js';

/**
 * Starts a Tether server node: store, keys, both listeners, WebSockets (S-1).
 *
 * @example
 * const server = await startServer({ config: loadServerConfig({ env: process.env }), log });
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const keysDir = join(config.dataDir, 'keys');
  const recordingsDir = join(config.dataDir, 'recordings');
  await mkdir(recordingsDir, { recursive: true, mode: 0o700 });
  // A restore staged in the admin console is applied before anything reads the keys or tables.
  const restored = await applyStagedRestore({
    dataDir: config.dataDir,
    paths: { keysDir, recordingsDir },
    openStore: () => openStore(databaseUrl(config), databasePoolOptions(config)),
    now: clock.now(),
    log,
  });
  // The machine's name is looked up alongside the rest (a slow resolver delays nothing else).
  const [keyRing, material, store, secrets, detectedHost] = await Promise.all([
    loadServerKeyRing(keysDir, clock.now()),
    loadServedMaterial(config),
    openStore(databaseUrl(config), databasePoolOptions(config)),
    loadSecretBox(keysDir),
    detectPublicHost(config.listen.host),
  ]);
  const identity = keyRing.identity;
  const audit = createAuditLog({ store, clock, log });
  if (restored) await audit.record(restoreAuditEntry(restored));
  const notifications = createNotificationService({
    store,
    clock,
    log,
    audit,
    retry: {
      baseMs: config.notifications.retryBaseSec * 1000,
      maxMs: config.notifications.retryMaxSec * 1000,
      attempts: config.notifications.attempts,
    },
    configured: configuredSettings(config.notifications),
  });
  const proxy = await loadProxyState(store, config);
  const admission = await loadAdmissionState(store, clock);
  const tls = await TlsService.create(
    {
      config,
      settings: store.settings,
      clock,
      log,
      audit,
      notifications: () => context.notifications,
      connectedAgents: () => {
        const ready = [...sockets.channels].filter((channel) => channel.isAuthenticated);
        const withoutNotice = ready.filter((channel) => !channel.canTakeCertificate).length;
        return { connected: ready.length, withoutNotice };
      },
      announceCertificate: (fingerprint) => {
        for (const channel of sockets.channels) channel.announceCertificate(fingerprint);
      },
      publicUrl: () => context.publicUrl(),
    },
    material,
  );
  const tasks = createBackgroundTasks({ log, audit, notifications });
  const auditRetention = createAuditRetention({
    store,
    audit,
    clock,
    log,
    retentionDays: config.audit.retentionDays,
  });
  // The listeners' ports once bound (the node's own URL, the admin URL).
  const bound: { port?: number | undefined; adminPort?: number | undefined } = {};
  const presence = new DevicePresence();
  const node = await joinAsNode({
    ...{ config, store, clock, log, audit, presence },
    port: () => bound.port,
    join: options.joinCluster,
  });
  const { cluster } = node;
  // Both URLs are read once the listeners are bound (the passkeys' relying party).
  const { auth, directories, teams, secondFactors } = createSignInServices({
    ...{ config, store, clock, audit, log, tasks, notifications, secrets, cluster },
    publicUrl: () => context.publicUrl(),
    adminUrl: () => context.adminUrl(),
  });
  const serverKeys = createServerKeyService({
    ...{ ring: keyRing, store, clock, audit, presence, log },
    // The nodes of a cluster sign with one current key: a rotation on any node reaches the rest.
    ...(cluster.isClustered && {
      shared: sharedServerKeys({ keysDir, settings: store.settings, secrets }),
    }),
  });
  await serverKeys.refresh();
  // Devices enrolled before pins were recorded pinned the first key.
  const [firstKey] = keyRing.keys();
  if (firstKey) await store.serverKeyPins.adoptUnpinned(firstKey.fingerprint, clock.now());
  const { rights, policies, retention, uploads, onRecordingFinished, sessions, oem, unattended } =
    await createSessionServices({
      ...{ config, store, clock, log, audit, tasks, presence, notifications, recordingsDir },
      relayNode: () => cluster.nodeId,
      publicUrl: () => context.publicUrl(),
    });
  const recovered = await recoverAfterRestart({
    ...{ store, clock, log, recordingsDir },
    ...(cluster.isClustered ? { clusterNodeId: cluster.nodeId } : {}),
  });
  recovered.forEach(onRecordingFinished);
  const initialAdmin = await ensureAdminAccount({ store, auth, password: options.adminPassword });
  const pinned = options.pinnedListeners ?? [];
  const listeners = new ListenerBoard(
    planListeners(config, await readSavedPorts(store), pinned),
    pinned,
  );

  const publicAddress = await loadPublicUrlState({
    store,
    configured: config.publicUrl,
    detectedHost,
    port: () => bound.port ?? config.listen.port,
  });
  // Upload claims are this node's leases; in a cluster a start resumes only its own uploads.
  uploads.start({ id: cluster.nodeId, isClustered: cluster.isClustered });
  // Called only once `context` exists (the sweep's first run is minutes after the start).
  const deleteByMaintenance = (deviceId: string): Promise<void> =>
    deleteDevice(context, deviceId, { by: 'maintenance' });
  const { agentBuilds, upgrades, wake, agentSettings, broadcastSettings, maintenance } =
    await createFleetServices({
      ...{ config, store, clock, log, audit, presence, identity, cluster, notifications },
      deleteDevice: deleteByMaintenance,
    });
  const context: ServerContext = {
    config,
    store,
    clock,
    tasks,
    log,
    audit,
    auth,
    directories,
    identity,
    serverKeys,
    tls,
    proxy,
    admission,
    presence,
    sessions,
    invitations: new SessionInvitations({
      store,
      clock,
      audit,
      presence,
      rights,
      sessions,
      notifications,
      log,
      publicUrl: () => context.publicUrl(),
    }),
    unattended,
    installers: createInstallerService({ store, clock, identity, audit }),
    agentBuilds,
    agentPackages: createAgentPackages({
      ...{ store, clock, audit, identity, builds: agentBuilds, dataDir: config.dataDir },
      publicUrl: () => context.publicUrl(),
      tlsPin: () => serverTlsPin(tls, proxy),
    }),
    users: createUserService({ store, clock, audit, logins: auth }),
    roles: createRoleService({ store, clock, audit }),
    teams,
    rights,
    groups: createDeviceGroupService({ store, clock, audit }),
    secondFactors,
    policies,
    uploads,
    oem,
    sso: createSsoService({
      store,
      clock,
      audit,
      auth,
      log,
      configured: config.singleSignOn.providers,
      publicUrl: () => context.publicUrl(),
    }),
    notifications,
    listeners,
    upgrades,
    maintenance,
    wake,
    cluster,
    recordingsDir,
    consoleDir: options.consoleDir,
    restart: options.restart,
    publicAddress,
    publicUrl: () => publicAddress.url(),
    adminUrl: () => {
      const url = new URL(context.publicUrl());
      url.port = String(bound.adminPort ?? config.admin.port);
      return url.origin;
    },
    broadcastSettings,
    statisticsInForce: (settings) => agentSettings.inForce(settings),
  };

  const https: HttpsOptions = {
    ...tls.secureContextOptions(),
    connections: config.connections,
    // Uncapped per-source connections: read at start (a change applies at the next start).
    trustedProxies: proxy.settings().trustedProxies,
  };
  const userApp = await createUserApp(context, https);
  const sockets = attachWebSockets(
    userApp.server,
    context,
    agentChannelDeps(context, {
      heartbeatSec: HEARTBEAT_SEC,
      settings: (device) => agentSettings.of(device),
      deleteByMaintenance,
    }),
  );
  const metrics = createMetrics({
    devicesOnline: () => presence.size,
    sessionsActive: () => sessions.activeCount,
    agentAdmissions: () => admission.view(),
    clusterNodes: () => cluster.nodes(),
  });
  const admin = await createAdminApp(context, {
    https,
    metrics,
    startedAt,
    listeners: () => listeners.summary(),
  });
  // Certificate and protocol changes reach both listeners' new connections (S-5).
  tls.serve(userApp.server);
  tls.serve(admin.app.server);
  tls.start();
  maintenance.start();
  const sweeper = startChannelSweeper({
    channels: sockets.channels,
    clock,
    heartbeatSec: HEARTBEAT_SEC,
    // A headless change (`tether admin …`) in the same database or keys folder is picked up here.
    refreshTrusted: async () => {
      await Promise.all([
        admin.refreshTrusted(),
        proxy.reload(),
        serverKeys.refresh(),
        publicAddress.reload(),
        admission.reload(),
        finishHeadlessDeletions(context),
      ]);
    },
    sweepIfDue: () => auditRetention.sweepIfDue(),
    log,
  });

  const { redirect } = await bindListeners({
    user: userApp,
    admin: admin.app,
    board: listeners,
    connections: config.connections,
    trustedProxies: config.trustedProxies,
    publicUrl: config.publicUrl,
    store,
    now: clock.now(),
    log,
  });
  const userPort = listeners.portOf('https');
  bound.port = userPort;
  const adminPort = listeners.portOf('admin');
  bound.adminPort = adminPort;
  // In order, so nothing touches the store once it is closed (SIGTERM used to close it first).
  const close = async (): Promise<void> => {
    // 1. Stop accepting connections (resolves once every connection is gone, awaited below).
    const listenersClosed = Promise.allSettled([
      userApp.close(),
      admin.app.close(),
      closeRedirect(redirect),
    ]);
    // 2. End sessions, then close agent and relay connections, with their last writes.
    await sessions.endAll('The server is shutting down.');
    await sockets.close();
    await node.stop();
    // 3. Background jobs.
    sweeper.stop();
    upgrades.stop();
    await maintenance.stop();
    agentSettings.stop();
    tls.stop();
    unattended.stop();
    await retention.stop();
    await uploads.stop();
    await auditRetention.stop();
    await tasks.settled();
    await notifications.stop();
    await audit.close();
    await cluster.close();
    // 4. Console event streams and keep-alive connections, then the store.
    userApp.server.closeAllConnections();
    admin.app.server.closeAllConnections();
    await listenersClosed;
    await store.close();
  };
  // Without HTTPS nothing serves users (the HTTP listener only redirects to it): stop, and say
  // why, rather than run as an admin page alone. The ports can be fixed headless.
  const httpsState = listeners.states().find((state) => state.name === 'https');
  if (userPort === undefined) {
    await close();
    throw new AppError(
      'UNAVAILABLE',
      `The server could not bind its HTTPS port ${httpsState?.requested ?? ''} (${httpsState?.reason ?? 'see the errors above'}); nothing would serve the console or the agents. Choose another port with \`tether admin ports set --https N\`, --port or the config file.`,
    );
  }
  return {
    url: context.publicUrl(),
    adminUrl: adminPort === undefined ? undefined : `https://localhost:${adminPort}/conf`,
    initialAdmin,
    context,
    routes: { user: registeredRoutes(userApp), admin: registeredRoutes(admin.app) },
    close,
  };
}
