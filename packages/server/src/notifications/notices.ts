import type { Notification } from '@tether/protocol';

/**
 * The words of each notification the server's parts emit, kept here so each emitter is one
 * line at its place and the texts read alike.
 */

/** `server.error`: work nobody waited for failed (see jobs/background-tasks.ts). */
export function serverErrorNotice(task: string, error: string): Notification {
  return {
    kind: 'server.error',
    subject: `Background task failed: ${task}`,
    text: `The server could not ${task}: ${error}\nDetails are in the server log and the audit log (server.task_failed).`,
    details: { task, error },
  };
}

/** `storage.failing`: one upload failed `attempts` times in a row (see uploads/upload-attempt.ts). */
export function storageFailingNotice(failure: {
  target: string;
  recordingId: string;
  attempts: number;
  reason: string;
}): Notification {
  const { target, attempts, reason } = failure;
  return {
    kind: 'storage.failing',
    subject: `Recording uploads to ${target} keep failing`,
    text: `A recording has failed to upload to ${target} ${attempts} times: ${reason}\nIt stays on the Tether server and is retried; the upload queue is in the console under Recordings.`,
    details: failure,
  };
}

/** `admin.newAddress`: an administrator signed in from an address not seen for them. */
export function newAddressNotice(username: string, sourceAddress: string): Notification {
  return {
    kind: 'admin.newAddress',
    subject: `Administrator ${username} signed in from a new address`,
    text: `${username} signed in from ${sourceAddress}, an address this account had not signed in from before. If this was not them, change the password (tether admin reset-password --username ${username}) and end their sessions.`,
    details: { username, sourceAddress },
  };
}

/** `agent.lost`: a device was offline past the lost threshold (see maintenance/maintenance-sweep.ts). */
export function agentLostNotice(device: {
  id: string;
  name: string;
  group: string;
  lastContactAt: Date;
  lostAfterDays: number;
}): Notification {
  const { id, name, group, lastContactAt, lostAfterDays } = device;
  const lastContact = lastContactAt.toISOString();
  return {
    kind: 'agent.lost',
    subject: `Device ${name} is lost`,
    text: `${name} (group ${group}) has not connected for more than ${lostAfterDays} days; it was last heard from at ${lastContact}. It is flagged lost in the console until it connects again. If it is gone for good, delete it there (device ${id}).`,
    details: { deviceId: id, name, group, lastContactAt: lastContact, lostAfterDays },
  };
}
