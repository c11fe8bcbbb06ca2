/** Records for store tests: fixed instants and minimal valid rows, so each test states only what it checks. */
import { randomUUID } from 'node:crypto';
import type { DeviceInventory } from '@tether/protocol';
import type { DeviceGroupRecord } from '../device-group-repository.js';
import type {
  AuditSubjects,
  DeviceRecord,
  InstallerRecord,
  SessionRecord,
  Store,
  UserRecord,
} from '../store.js';

/** A fixed instant with milliseconds, so round-trips prove millisecond precision. */
export const T0 = new Date('2024-05-06T07:08:09.123Z');

/** `T0` plus `seconds`. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export function inventory(hostname: string): DeviceInventory {
  return {
    hostname,
    os: {
      platform: 'linux',
      release: '6.1.0',
      name: 'Debian GNU/Linux 12 (bookworm)',
      arch: 'x64',
    },
    agentVersion: '0.1.0',
  };
}

export async function addUser(store: Store, username: string): Promise<UserRecord> {
  return store.users.create({
    id: randomUUID(),
    username,
    role: 'technician',
    passwordHash: `scrypt$${username}`,
    createdAt: T0,
  });
}

export async function addInstaller(
  store: Store,
  options: Partial<Pick<InstallerRecord, 'group' | 'expiresAt' | 'maxInstalls' | 'createdAt'>> = {},
): Promise<InstallerRecord> {
  return store.installers.create({
    id: randomUUID(),
    group: options.group ?? 'office',
    comment: 'front desk',
    createdAt: options.createdAt ?? T0,
    expiresAt: options.expiresAt ?? at(3600),
    maxInstalls: options.maxInstalls ?? null,
    createdBy: 'admin',
  });
}

/** Enrols a device through a fresh installer and returns it. */
export async function addDevice(
  store: Store,
  name: string,
  installer?: InstallerRecord,
): Promise<DeviceRecord> {
  const installerId = (installer ?? (await addInstaller(store))).id;
  const result = await store.devices.enroll({
    installerId,
    now: T0,
    device: {
      id: randomUUID(),
      name,
      publicKey: 'A'.repeat(43),
      inventory: inventory(name),
      enrolledAt: T0,
    },
  });
  if (!result.ok) throw new Error(`Enrolment of ${name} was refused: ${result.reason}`);
  return result.device;
}

export async function addSession(
  store: Store,
  refs: { device: DeviceRecord; user: UserRecord; createdAt?: Date },
): Promise<SessionRecord> {
  return store.sessions.create({
    id: randomUUID(),
    deviceId: refs.device.id,
    userId: refs.user.id,
    kind: 'terminal',
    createdAt: refs.createdAt ?? T0,
  });
}

/** An audit entry about no user, device, session or recording. */
export const NO_SUBJECTS: AuditSubjects = {
  user: null,
  device: null,
  sessionId: null,
  recordingId: null,
};
/** Creates the device group `name` (services refuse a group that was never created). */
export async function addGroup(store: Store, name: string): Promise<DeviceGroupRecord> {
  return store.deviceGroups.create({ id: randomUUID(), name, description: '', createdAt: T0 });
}
