import { randomUUID } from 'node:crypto';
import { AppError, relayPath, type CreateSessionRequest } from '@tether/protocol';
import type { Admission } from '../assistance/admit-session.js';
import { admitAndAudit, type AdmitSession } from '../assistance/session-terms.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { AgentLink, DevicePresence } from '../devices/device-presence.js';
import type { SessionRecord, Store, UserRecord } from '../store/store.js';
import { sessionRecorders } from './session-recorders.js';

/** What admitting a new session needs of the server. */
export interface SessionAdmissionDeps {
  store: Store;
  clock: Clock;
  presence: DevicePresence;
  audit: AuditLog;
  admit: AdmitSession;
  /** This node's id, recorded as the session's relay node; none in unit tests. */
  relayNode?(): string;
}

/** A technician's request for a session, as the service received it. */
export interface SessionRequest {
  user: UserRecord;
  request: CreateSessionRequest;
  sourceAddress: string;
  /** The unattended access whose one-time password was given (M-2). */
  accessId?: string | undefined;
}

/** A session the server agreed to open: stored as pending, not yet offered to the agent. */
export interface AdmittedSession {
  record: SessionRecord;
  /** Its terms: assistance mode, rights, access window (assistance/). */
  admission: Admission;
  /** The device's agent, connected now: the offer goes to it. */
  link: AgentLink;
}

/**
 * The checks before a session exists: the device and the kind, the assistance terms (whose
 * refusal is audited), then whether the device is online. Only then is the session stored.
 * Throws the refusal.
 */
export async function admitNewSession(
  deps: SessionAdmissionDeps,
  input: SessionRequest,
): Promise<AdmittedSession> {
  const { user, request, sourceAddress, accessId } = input;
  const device = await deps.store.devices.find(request.deviceId);
  if (!device)
    throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
  if (!sessionRecorders[request.kind]) {
    throw new AppError(
      'INVALID_INPUT',
      `${request.kind} sessions are not available on this server yet; open a terminal instead.`,
    );
  }
  const link = deps.presence.get(device.id);
  const admission = await admitAndAudit(deps, {
    user,
    device,
    request,
    sourceAddress,
    userPresence: link?.userPresence,
    link,
    ...(accessId ? { accessId } : {}),
  });
  if (!link) {
    const seen = device.lastSeenAt
      ? `last seen ${device.lastSeenAt.toISOString()}`
      : 'never connected';
    throw new AppError(
      'DEVICE_OFFLINE',
      `Cannot open a terminal on "${device.name}": the device is offline (${seen}).`,
    );
  }
  const record = await deps.store.sessions.create({
    id: randomUUID(),
    deviceId: device.id,
    userId: user.id,
    kind: request.kind,
    createdAt: deps.clock.now(),
    ...(deps.relayNode ? { nodeId: deps.relayNode() } : {}),
  });
  return { record, admission, link };
}

/** Offers an admitted session to the device's agent with its relay ticket, and audits the request. */
export async function offerSession(
  deps: { audit: AuditLog },
  session: AdmittedSession,
  input: SessionRequest & { agentToken: string },
): Promise<void> {
  const { record, admission, link } = session;
  const { user, request, accessId } = input;
  link.send({
    type: 'session.offer',
    sessionId: record.id,
    kind: request.kind,
    relayPath: relayPath(record.id),
    token: input.agentToken,
    technician: user.username,
    ...(request.cols && request.rows ? { cols: request.cols, rows: request.rows } : {}),
    ...(admission.mode ? { mode: admission.mode } : {}),
    ...(admission.rights ? { rights: admission.rights } : {}),
    ...(request.viewOnly ? { viewOnly: true } : {}),
    ...(accessId ? { accessId } : {}),
  });
  await deps.audit.record({
    action: 'session.requested',
    actor: user.username,
    target: record.deviceId,
    sourceAddress: input.sourceAddress,
    details: {
      sessionId: record.id,
      kind: record.kind,
      mode: admission.mode ?? null,
      ...(admission.presence ? { presence: admission.presence, rights: admission.rights } : {}),
      ...(accessId ? { accessId } : {}),
    },
  });
}
