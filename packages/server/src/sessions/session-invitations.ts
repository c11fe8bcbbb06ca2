import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  AppError,
  invitationLinkPath,
  sessionRight,
  type CreateInvitationRequest,
  type CreateInvitationResponse,
  type InvitationState,
  type JoinInvitationResponse,
  type Notification,
  type Permission,
  type SessionInvitation,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import type { DeviceRights } from '../rights/device-rights.js';
import type { Store, UserRecord } from '../store/store.js';
import type { SessionService } from './session-service.js';

/** What invitations need of the server. */
export interface SessionInvitationDeps {
  store: Pick<Store, 'users' | 'devices'>;
  clock: Clock;
  audit: AuditLog;
  presence: DevicePresence;
  rights: Pick<DeviceRights, 'of'>;
  sessions: Pick<SessionService, 'running' | 'admitGuest' | 'removeGuest' | 'onSessionEnded'>;
  log: Logger;
  notifications: { notify(notification: Notification): void };
  publicUrl(): string;
}

/** Who acts: the signed-in user and what their role allows now. */
export interface Acting {
  user: UserRecord;
  permissions: readonly Permission[];
  sourceAddress: string;
}

interface Entry {
  view: SessionInvitation;
  /** SHA-256 of an external link's token; the token itself is shown once and never kept. */
  tokenHash?: string;
}

const DEFAULT_EXPIRY_MINUTES = 10;
const hash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * Invitations into running sessions. They live as long as their session, on the node that
 * relays it (sessions are relayed by one node), and each admits its guest once: a console user
 * who holds the session's right on the device, or an external guest with a one-time link.
 * Every step is audited; the invited user is notified (`session.invitation`) and the user at the
 * device is told who joined.
 */
export class SessionInvitations {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: SessionInvitationDeps) {
    deps.sessions.onSessionEnded((sessionId) => {
      for (const [id, entry] of this.entries)
        if (entry.view.sessionId === sessionId) this.entries.delete(id);
    });
  }

  async create(
    acting: Acting,
    sessionId: string,
    request: CreateInvitationRequest,
  ): Promise<CreateInvitationResponse> {
    const running = this.deps.sessions.running(sessionId);
    if (!running)
      throw new AppError(
        'SESSION_ENDED',
        'Only a running session can be shared: this one has ended or has not started yet.',
      );
    const { record } = running;
    if (record.userId !== acting.user.id && !acting.permissions.includes('sessions.manage'))
      throw new AppError(
        'FORBIDDEN',
        'Only the technician in this session, or an administrator, can invite someone into it.',
      );
    if (record.kind !== 'terminal' && request.invitee.type === 'external')
      throw new AppError(
        'INVALID_INPUT',
        `A one-time link opens terminal sessions only: invite a console user into this ${record.kind} session.`,
      );
    if (record.kind === 'files' && !request.control)
      throw new AppError(
        'INVALID_INPUT',
        'A files session cannot be shared view only (browsing is using it): invite with control.',
      );
    if (record.kind === 'desktop' && request.control && running.right === 'desktop.view')
      throw new AppError(
        'FORBIDDEN',
        'This desktop session is view only, so a guest cannot get control of it: invite them to watch.',
      );
    const device = await this.deps.store.devices.find(record.deviceId);
    const invitee = await this.inviteeOf(request, {
      deviceGroup: device?.group,
      technicianId: record.userId,
      record,
    });
    const now = this.deps.clock.now();
    const minutes = request.expiresInMinutes ?? DEFAULT_EXPIRY_MINUTES;
    const view: SessionInvitation = {
      id: randomUUID(),
      sessionId,
      deviceId: record.deviceId,
      deviceName: device?.name ?? record.deviceId,
      kind: record.kind,
      invitedBy: acting.user.username,
      invitee,
      control: request.control,
      state: 'pending',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
    };
    const token = invitee.type === 'external' ? randomBytes(32).toString('base64url') : undefined;
    this.entries.set(view.id, { view, ...(token ? { tokenHash: hash(token) } : {}) });
    await this.deps.audit.record({
      action: 'session.invited',
      actor: acting.user.username,
      target: record.deviceId,
      sourceAddress: acting.sourceAddress,
      details: { sessionId, invitationId: view.id, invitee: nameOf(view), control: view.control },
    });
    this.notify(view);
    return {
      invitation: view,
      ...(token ? { link: new URL(invitationLinkPath(token), this.deps.publicUrl()).href } : {}),
    };
  }

  /** Pending invitations addressed to a user, newest first. */
  listFor(user: UserRecord): SessionInvitation[] {
    return [...this.entries.values()]
      .map((entry) => this.current(entry))
      .filter((view) => view.state === 'pending')
      .filter((view) => view.invitee.type === 'user' && view.invitee.userId === user.id)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** A running session's invitations, for its technician (or an administrator), newest first. */
  listOf(acting: Acting, sessionId: string): SessionInvitation[] {
    const running = this.deps.sessions.running(sessionId);
    if (!running) return [];
    if (running.record.userId !== acting.user.id && !acting.permissions.includes('sessions.manage'))
      throw new AppError(
        'FORBIDDEN',
        'Only the technician in this session, or an administrator, can see who was invited into it.',
      );
    return [...this.entries.values()]
      .map((entry) => this.current(entry))
      .filter((view) => view.sessionId === sessionId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** A console user accepts their invitation: a relay ticket into the session. */
  async join(acting: Acting, invitationId: string): Promise<JoinInvitationResponse> {
    const entry = this.entries.get(invitationId);
    const invitee = entry?.view.invitee;
    if (!entry || invitee?.type !== 'user' || invitee.userId !== acting.user.id)
      throw new AppError('NOT_FOUND', 'There is no such invitation for you.');
    return this.admit(entry, acting.sourceAddress, acting.user.username);
  }

  /** An external guest redeems their link's token (once). */
  async joinExternal(token: string, sourceAddress: string): Promise<JoinInvitationResponse> {
    const tokenHash = hash(token);
    const entry = [...this.entries.values()].find((candidate) => candidate.tokenHash === tokenHash);
    if (!entry) {
      await this.deps.audit.refused({
        action: 'session.join_refused',
        actor: sourceAddress,
        target: 'invitation link',
        sourceAddress,
        details: { reason: 'unknown link' },
      });
      throw new AppError(
        'TOKEN_INVALID',
        'This invitation link is not valid (its session may have ended); ask the technician for a new one.',
      );
    }
    return this.admit(entry, sourceAddress, sourceAddress);
  }

  /** Withdraws an invitation, and removes its guest from the session if they joined. */
  async revoke(acting: Acting, invitationId: string): Promise<void> {
    const entry = this.entries.get(invitationId);
    if (!entry) throw new AppError('NOT_FOUND', 'There is no such invitation.');
    const running = this.deps.sessions.running(entry.view.sessionId);
    const isInviter = entry.view.invitedBy === acting.user.username;
    const isTechnician = running?.record.userId === acting.user.id;
    if (!isInviter && !isTechnician && !acting.permissions.includes('sessions.manage'))
      throw new AppError(
        'FORBIDDEN',
        'Only the technician who invited, or an administrator, can withdraw this invitation.',
      );
    entry.view = { ...entry.view, state: 'revoked' };
    this.deps.sessions.removeGuest(
      entry.view.sessionId,
      entry.view.id,
      `${acting.user.username} withdrew your invitation.`,
    );
    await this.deps.audit.record({
      action: 'session.invitation_revoked',
      actor: acting.user.username,
      target: entry.view.deviceId,
      sourceAddress: acting.sourceAddress,
      details: { sessionId: entry.view.sessionId, invitationId, invitee: nameOf(entry.view) },
    });
  }

  private async admit(
    entry: Entry,
    sourceAddress: string,
    actor: string,
  ): Promise<JoinInvitationResponse> {
    const view = this.current(entry);
    const refuse = async (code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED', message: string) => {
      await this.deps.audit.refused({
        action: 'session.join_refused',
        actor,
        target: view.deviceId,
        sourceAddress,
        details: { sessionId: view.sessionId, invitationId: view.id, reason: view.state },
      });
      return new AppError(code, message);
    };
    if (view.state === 'joined')
      throw await refuse('TOKEN_INVALID', 'This invitation was already used; it works once.');
    if (view.state === 'revoked')
      throw await refuse('TOKEN_INVALID', 'This invitation was withdrawn.');
    if (view.state === 'expired')
      throw await refuse('TOKEN_EXPIRED', 'This invitation has expired; ask for a new one.');
    const running = this.deps.sessions.running(view.sessionId);
    if (!running) throw new AppError('SESSION_ENDED', 'This session has ended.');
    const right = sessionRight(view.kind, !view.control);
    const ticket = await this.deps.sessions.admitGuest(view.sessionId, {
      id: view.id,
      ...(view.invitee.type === 'user' ? { userId: view.invitee.userId } : {}),
      right,
      hasControl: view.control,
      onJoined: () => this.onGuest(entry.view, 'joined', sourceAddress),
      onLeft: (reason) => this.onGuest(entry.view, 'left', sourceAddress, reason),
    });
    entry.view = { ...view, state: 'joined' };
    return {
      invitation: entry.view,
      relay: {
        path: ticket.path,
        token: ticket.token,
        expiresAt: ticket.expiresAt.toISOString(),
      },
    };
  }

  /** A guest's end joined or left: audited, and the user at the device is told. */
  private onGuest(
    view: SessionInvitation,
    state: 'joined' | 'left',
    sourceAddress: string,
    reason?: string,
  ): void {
    const link = this.deps.presence.get(view.deviceId);
    if (link?.capabilities.includes('participants'))
      link.send({
        type: 'session.participant',
        sessionId: view.sessionId,
        name: nameOf(view).slice(0, 128),
        isExternal: view.invitee.type === 'external',
        hasControl: view.control,
        invitedBy: view.invitedBy,
        state,
      });
    this.deps.audit
      .record({
        action: state === 'joined' ? 'session.guest_joined' : 'session.guest_left',
        actor: view.invitee.type === 'user' ? view.invitee.username : `guest:${view.invitee.name}`,
        target: view.deviceId,
        sourceAddress,
        details: {
          sessionId: view.sessionId,
          invitationId: view.id,
          control: view.control,
          ...(reason ? { reason } : {}),
        },
      })
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'audit failed'));
  }

  private async inviteeOf(
    request: CreateInvitationRequest,
    scope: {
      deviceGroup: string | undefined;
      technicianId: string;
      record: { kind: SessionInvitation['kind'] };
    },
  ): Promise<SessionInvitation['invitee']> {
    if (request.invitee.type === 'external')
      return { type: 'external', name: request.invitee.name };
    const user = await this.deps.store.users.findByUsername(request.invitee.username);
    if (!user || user.disabledAt)
      throw new AppError('NOT_FOUND', `There is no active user "${request.invitee.username}".`);
    if (user.id === scope.technicianId)
      throw new AppError('INVALID_INPUT', `${user.username} is the technician of this session.`);
    const right = sessionRight(scope.record.kind, !request.control);
    const rights = await this.deps.rights.of(user);
    if (scope.deviceGroup === undefined || !rights.has(scope.deviceGroup, right))
      throw new AppError(
        'FORBIDDEN',
        `${user.username} does not hold the right "${right}" on this device's group, so they cannot join this session${request.control ? ' with control' : ''}. Grant it to them first${request.control ? ', or invite them to watch only' : ''}.`,
      );
    return { type: 'user', userId: user.id, username: user.username };
  }

  /** The view with its state as of now (a pending invitation past its time has expired). */
  private current(entry: Entry): SessionInvitation {
    const isPast = Date.parse(entry.view.expiresAt) <= this.deps.clock.now().getTime();
    if (entry.view.state === 'pending' && isPast)
      entry.view = { ...entry.view, state: 'expired' satisfies InvitationState };
    return entry.view;
  }

  private notify(view: SessionInvitation): void {
    const who = nameOf(view);
    const what = `${view.kind} session on "${view.deviceName}"`;
    const how = view.control ? 'with control' : 'to watch';
    this.deps.notifications.notify({
      kind: 'session.invitation',
      subject: `${view.invitedBy} invited ${who} into a ${what}`,
      text:
        view.invitee.type === 'user'
          ? `${view.invitedBy} invited ${who} ${how} into a ${what}. The invitation is in the console (Devices, "Invitations") until ${view.expiresAt}.`
          : `${view.invitedBy} created a one-time link for ${who} (without an account) ${how} into a ${what}, valid until ${view.expiresAt}.`,
      details: {
        sessionId: view.sessionId,
        invitationId: view.id,
        deviceId: view.deviceId,
        invitedBy: view.invitedBy,
        invitee: who,
        isExternal: view.invitee.type === 'external',
        control: view.control,
      },
    });
  }
}

function nameOf(view: SessionInvitation): string {
  return view.invitee.type === 'user' ? view.invitee.username : view.invitee.name;
}
