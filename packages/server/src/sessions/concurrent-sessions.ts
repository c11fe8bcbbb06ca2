import { AppError } from '@tether/protocol';

/** A session in progress on a device, as the one-technician rule sees it. */
export interface SessionInProgress {
  technician: string;
  kind: string;
  /** When it was requested. */
  since: Date;
}

/**
 * The refusal when a device's policy allows one technician at a time and someone else is
 * in session with it: names them, and says how to get in anyway.
 *
 * @example
 * throw oneTechnicianRefusal('web-01', [{ technician: 'alice', kind: 'terminal', since }]);
 */
export function oneTechnicianRefusal(
  deviceName: string,
  inProgress: readonly SessionInProgress[],
): AppError {
  const technicians = [...new Set(inProgress.map((session) => session.technician))];
  const sessions = inProgress
    .map((session) => `${session.technician}: ${session.kind} since ${session.since.toISOString()}`)
    .join('; ');
  const who = technicians.join(', ');
  return new AppError(
    'CONFLICT',
    `Cannot open a session on "${deviceName}": ${who} ${technicians.length > 1 ? 'are' : 'is'} in session with it (${sessions}), and its policy allows one technician at a time. Ask ${who} to invite you into the session, or ask an administrator for a policy that allows concurrent sessions.`,
    { inSession: technicians },
  );
}
