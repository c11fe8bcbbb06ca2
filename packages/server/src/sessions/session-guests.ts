import { AppError, type DeviceRight, type Permission } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { RelayPeer } from '../relay/relay-peer.js';
import type { SessionRecord, Store, UserRecord } from '../store/store.js';
import { oneTechnicianRefusal } from './concurrent-sessions.js';
import type { SharedConsole } from './shared-console.js';

/** Someone invited into a running session, admitted by their one-time relay ticket. */
export interface GuestGrant {
  id: string;
  /** The invitee; absent for an external guest, whom the ticket alone admits. */
  userId?: string;
  /** The right the guest's end needs on the device's group, checked at the join. */
  right: DeviceRight;
  hasControl: boolean;
  onJoined(): void;
  onLeft(reason: string): void;
}

/** A session that is relaying now, as invitations see it. */
export interface RunningSession {
  record: SessionRecord;
  technician: string;
  /** The technician's own right: a guest gets no more than this. */
  right: DeviceRight;
}

/** What a live session offers its guests. */
export interface GuestHost {
  /** Once relaying: the technician's end with the guests invited into it. */
  shared?: SharedConsole;
  /** Guests whose ticket was issued and not used yet. */
  guests: Map<string, GuestGrant>;
}

/**
 * A guest's end joins a running session with their redeemed ticket: an invited user must be
 * the one signed in, with a role that opens sessions; an external guest's ticket is enough.
 * Throws the refusal.
 */
export function joinGuest(
  host: GuestHost,
  guestId: string | undefined,
  input: { peer: RelayPeer; user?: UserRecord; permissions?: readonly Permission[] },
): void {
  const grant = guestId === undefined ? undefined : host.guests.get(guestId);
  if (!grant || !host.shared)
    throw new AppError('TOKEN_INVALID', 'This invitation was withdrawn; ask for a new one.');
  checkGuestLogin(grant, input);
  host.guests.delete(grant.id);
  host.shared.addGuest({
    id: grant.id,
    peer: input.peer,
    hasControl: grant.hasControl,
    onLeft: (_code, reason) => grant.onLeft(reason),
  });
  grant.onJoined();
}

/**
 * An invited user's end must be that user, signed in, with a role that opens sessions; an
 * external guest's ticket is enough. Throws the refusal.
 */
export function checkGuestLogin(
  grant: GuestGrant,
  input: { user?: UserRecord; permissions?: readonly Permission[] },
): void {
  if (grant.userId === undefined) return;
  if (input.user?.id !== grant.userId)
    throw new AppError('FORBIDDEN', 'This invitation is for another user.');
  if (!input.permissions?.includes('sessions.open'))
    throw new AppError(
      'FORBIDDEN',
      'Your role does not allow joining sessions (it needs the permission "sessions.open").',
    );
}

/** A session in progress, as the one-technician rule sees it. */
export interface LiveOnDevice {
  record: SessionRecord;
  technician: string;
  ending: boolean;
}

/**
 * A second technician on a device whose policy allows one at a time is refused, naming who is
 * in session; the refusal is audited. The same technician may open several sessions.
 */
export async function refuseOtherTechnician(
  deps: {
    store: Pick<Store, 'devices'>;
    audit: AuditLog;
    concurrentSessionsAllowed?(deviceId: string): Promise<boolean>;
  },
  live: Iterable<LiveOnDevice>,
  request: { user: UserRecord; deviceId: string; sourceAddress: string },
): Promise<void> {
  const { user, deviceId } = request;
  const others = [...live].filter(
    (session) =>
      session.record.deviceId === deviceId && !session.ending && session.record.userId !== user.id,
  );
  if (others.length === 0) return;
  if (await deps.concurrentSessionsAllowed?.(deviceId)) return;
  const device = await deps.store.devices.find(deviceId);
  const refusal = oneTechnicianRefusal(
    device?.name ?? deviceId,
    others.map((session) => ({
      technician: session.technician,
      kind: session.record.kind,
      since: session.record.createdAt,
    })),
  );
  await deps.audit.refused({
    action: 'session.refused',
    actor: user.username,
    target: deviceId,
    sourceAddress: request.sourceAddress,
    details: { reason: refusal.message },
  });
  throw refusal;
}
