import { admitSession } from '../assistance/admit-session.js';
import { createOemService, type OemService } from '../oem/oem-service.js';
import { createPolicyService, type PolicyService } from '../policies/policy-service.js';
import type { Notifications } from '../ports/notifications.js';
import type { ServerContext } from '../ports/server-context.js';
import { createDeviceRights, type DeviceRights } from '../rights/device-rights.js';
import { SessionService } from '../sessions/session-service.js';
import { refuseMismatchedCredential } from '../storage/index.js';
import { UnattendedService } from '../unattended/unattended-service.js';
import { createRecordingPipeline, type RecordingPipeline } from '../uploads/recording-pipeline.js';

/** What opens, admits, records and ships sessions, and what the vendors' API reaches them by. */
export interface SessionServices extends RecordingPipeline {
  rights: DeviceRights;
  policies: PolicyService;
  sessions: SessionService;
  oem: OemService;
  unattended: UnattendedService;
}

/**
 * The session side, wired to each other: a session asks the device's policy for its recording
 * mode, concurrency and assistance mode, and each finished recording goes to the upload queue.
 * Unattended access is started (its live grants read back) before this resolves.
 *
 * @example
 * const { sessions, policies, uploads } = await createSessionServices({ ...deps });
 */
export async function createSessionServices(
  deps: Pick<
    ServerContext,
    'config' | 'store' | 'clock' | 'log' | 'audit' | 'tasks' | 'presence' | 'recordingsDir'
  > & {
    notifications: Notifications;
    /** This node's id, where a relay token sends the technician (read once the node joined). */
    relayNode: () => string;
    publicUrl: () => string;
  },
): Promise<SessionServices> {
  const { config, store, clock, log, audit, tasks, presence, recordingsDir, publicUrl } = deps;
  const rights = createDeviceRights({ store, audit });
  const policies = createPolicyService({
    store,
    clock,
    audit,
    checkStorage: (storage) => refuseMismatchedCredential(storage, config.storage),
  });
  const pipeline = createRecordingPipeline({
    ...{ store, clock, log, audit, policies, recordingsDir, tasks },
    notifications: deps.notifications,
    storage: config.storage,
    keepLocalDays: config.storage.keepLocalDays,
  });
  const sessions = new SessionService({
    ...{ store, clock, audit, tasks, presence, log, rights, recordingsDir },
    relayNode: deps.relayNode,
    relayTokenTtlSec: config.relayTokenTtlSec,
    maxLifetimeSec: config.sessions.maxLifetimeSec,
    recordingModeFor: async (deviceId, kind) =>
      (await policies.effectiveFor(deviceId)).recording[kind],
    concurrentSessionsAllowed: async (deviceId) =>
      (await policies.effectiveFor(deviceId)).sessions.concurrent,
    onRecordingFinished: pipeline.onRecordingFinished,
    onRecordingStarted: (recordingId) => pipeline.uploads.onRecordingStarted(recordingId),
    admit: async (request) =>
      admitSession({
        ...request,
        assistance: (await policies.effectiveFor(request.device.id)).assistance,
        now: clock.now(),
      }),
  });
  const oem = createOemService({ store, clock, audit, presence, sessions, log, publicUrl });
  const unattended = new UnattendedService({
    ...{ store, clock, audit, tasks, presence, sessions, rights, log, publicUrl },
    assistanceFor: async (deviceId) => (await policies.effectiveFor(deviceId)).assistance,
  });
  await unattended.start();
  return { ...pipeline, rights, policies, sessions, oem, unattended };
}
