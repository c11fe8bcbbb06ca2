import { Username } from '@tether/protocol';
import type { AuditSubjects, Store } from '../store/store.js';
import type { AuditEvent } from './audit-event.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEVICE_ACTOR = 'device:';

function uuidOrNull(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value : null;
}

/**
 * The user, device, session and recording an event is about, found from what every caller
 * already says: the actor is a username (or `device:<id>`), the target of device events is the
 * device's id, and `details` carry `sessionId` and `recordingId`. Written with the entry, they
 * let the log be filtered by index and shown with names; the names written are the ones of now,
 * kept in case the user or device row ever goes.
 *
 * @example
 * await auditSubjects(store, { action: 'session.started', actor: 'alice', target: deviceId, details: { sessionId } });
 * // { user: { id, name: 'alice' }, device: { id: deviceId, name: 'web-01' }, sessionId, recordingId: null }
 */
export async function auditSubjects(store: Store, event: AuditEvent): Promise<AuditSubjects> {
  return {
    user: await userOf(store, event.actor),
    device: await deviceOf(store, event),
    sessionId: uuidOrNull(event.details?.sessionId),
    recordingId: uuidOrNull(event.details?.recordingId),
  };
}

async function userOf(store: Store, actor: string): Promise<AuditSubjects['user']> {
  // `system`, `device:<id>` and IPv6 addresses are no usernames (an IPv4 address finds nobody).
  if (actor === 'system' || actor.startsWith(DEVICE_ACTOR) || !Username.safeParse(actor).success)
    return null;
  const user = await store.users.findByUsername(actor);
  return user ? { id: user.id, name: user.username } : null;
}

async function deviceOf(store: Store, event: AuditEvent): Promise<AuditSubjects['device']> {
  if (event.device) return { id: event.device.id, name: event.device.name };
  const candidates = [
    event.actor.startsWith(DEVICE_ACTOR) ? event.actor.slice(DEVICE_ACTOR.length) : null,
    event.target,
  ];
  for (const candidate of candidates) {
    const id = uuidOrNull(candidate);
    if (id === null) continue;
    // Other targets are ids too (policies, installers): only a device row makes it a device.
    const device = await store.devices.find(id);
    if (device) return { id: device.id, name: device.name };
  }
  return null;
}
