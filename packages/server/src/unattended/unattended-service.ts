import { createBackgroundTasks, type BackgroundTasks } from '../jobs/background-tasks.js';
import { repeat, type CancelTimer } from '../clock.js';
import {
  AppError,
  UNATTENDED_IDLE_MINUTES,
  formatAccessId,
  rightsOfMode,
  type AccessFile,
  type AgentMessage,
  type ConnectUnattendedRequest,
  type CreateSessionResponse,
  type CreateUnattendedResponse,
  type MessageOf,
  type UnattendedAccess,
  type UnattendedAccessMode,
} from '@tether/protocol';
import type { AgentLink } from '../devices/device-presence.js';
import type { EffectivePolicy } from '../policies/effective-policy.js';
import type { DeviceRecord, UserRecord } from '../store/store.js';
import type { UnattendedAccessRecord } from '../store/unattended-repository.js';
import { AccessSessions } from './access-sessions.js';
import { AgentAnswers } from './agent-answers.js';
import { accessAlreadyOn, accessHeld, deadAccess } from './access-errors.js';
import { toAccessFile, toApiAccess } from './access-view.js';
import { DeviceQueue } from './device-queue.js';
import { PasswordCheck } from './password-check.js';
import { admitUnattended, turnOnAccess, type TurnOnDeps } from './turn-on.js';
import type { UnattendedServiceDeps } from './unattended-deps.js';

const IDLE_MS = UNATTENDED_IDLE_MINUTES * 60_000;

/** Why accesses are revoked: a technician replaced or turned them off, or the user at the device. */
type RevokeReason = 'replaced' | 'turned_off' | 'turned_off_at_device';

/** What a session under a revoked access is told, by reason. */
const ENDED_BECAUSE: Record<RevokeReason, (actor: string) => string> = {
  replaced: (actor) => `Unattended access was replaced by a new one by ${actor}.`,
  turned_off: (actor) => `Unattended access was turned off by ${actor}.`,
  turned_off_at_device: () => 'Unattended access was turned off by the user at the device.',
};

/**
 * Unattended access (M-2, with dynamic's unattended branch of M-3): a technician gets a session
 * ID, a one-time password (stored only as a scrypt hash, shown once) and an access file; the
 * device's agent turns its unattended service on for that access. A device has at most one
 * live access: another is refused unless the request replaces it, and turning off revokes
 * every access of the device. Connecting needs the password; wrong ones are slowed down per
 * access and per device, and audited. When the last connection ends a 15-minute timer starts,
 * after which the access is dead and the agent turns the service off again.
 */
export class UnattendedService {
  private readonly passwords: PasswordCheck;
  private readonly answers: AgentAnswers;
  private readonly queue = new DeviceQueue();
  private readonly accessSessions: AccessSessions;
  private stopExpiring: CancelTimer | undefined;

  private readonly turnOnDeps: TurnOnDeps;

  private readonly tasks: BackgroundTasks;

  constructor(private readonly deps: UnattendedServiceDeps) {
    this.tasks = deps.tasks ?? createBackgroundTasks(deps);
    this.passwords = new PasswordCheck(deps);
    this.answers = new AgentAnswers(deps.presence, {
      clock: deps.clock,
      timeoutMs: deps.replyTimeoutMs ?? 10_000,
    });
    this.turnOnDeps = { ...deps, answers: this.answers, expiresAt: () => this.expiryFromNow() };
    this.accessSessions = new AccessSessions({
      ...deps,
      tasks: this.tasks,
      expiryFromNow: () => this.expiryFromNow(),
    });
  }

  /** Starts the expiry check; accesses left `connected` by a crash start their timer now. */
  async start(): Promise<void> {
    await this.deps.store.unattended.releaseAll(this.expiryFromNow());
    this.stopExpiring = repeat(
      this.deps.clock,
      () => this.tasks.run('expire unattended accesses', () => this.expireDue()),
      this.deps.checkEveryMs ?? 1000,
    );
  }

  stop(): void {
    this.stopExpiring?.();
  }

  /**
   * Makes an access for a device and turns the agent's service on for it. While the device has
   * a live access this is refused with CONFLICT unless `replace` is set; then the live access is
   * revoked (its sessions end, its password stops working) before the new password is made.
   */
  async create(
    user: UserRecord,
    request: { deviceId: string; mode: UnattendedAccessMode; replace?: boolean },
    sourceAddress: string,
  ): Promise<CreateUnattendedResponse> {
    const device = await this.deps.rights.authorize(user, request.deviceId, 'unattended', {
      sourceAddress,
    });
    const refuse = (error: unknown): Promise<never> =>
      this.audited(error, { user, device, sourceAddress, mode: request.mode });
    return this.queue.run(device.id, async () => {
      let agent: AgentLink;
      try {
        agent = await admitUnattended(this.turnOnDeps, { device, mode: request.mode });
      } catch (error) {
        return refuse(error);
      }
      // An access whose time ran out while the expiry check had not yet run must not block.
      await this.expireDue();
      const [live] = await this.deps.store.unattended.listLive(device.id);
      if (live && !request.replace) return refuse(accessAlreadyOn(live, device));
      const by = { actor: user.username, sourceAddress };
      const replaced = await this.revokeAll(device, by, 'replaced');
      return turnOnAccess(this.turnOnDeps, {
        user,
        device,
        agent,
        mode: request.mode,
        sourceAddress,
        replaced,
      }).catch(refuse);
    });
  }

  /** The access file of a live access; refused once it is dead. */
  async accessFileOf(
    user: UserRecord,
    id: string,
  ): Promise<{ file: AccessFile; fileName: string }> {
    const access = await this.liveAccess(id);
    const device = await this.deps.rights.authorize(user, access.deviceId, 'unattended');
    return {
      file: toAccessFile(access, device, this.deps.publicUrl()),
      fileName: `tether-access-${access.id}.json`,
    };
  }

  /** Opens a session with the one-time password. */
  async connect(
    user: UserRecord,
    request: Omit<ConnectUnattendedRequest, 'accessId'> & { accessId: string },
    sourceAddress: string,
  ): Promise<CreateSessionResponse> {
    const { store, clock, audit } = this.deps;
    const access = await this.passwords.check({
      actor: user.username,
      accessId: request.accessId,
      access: await store.unattended.find(request.accessId),
      password: request.password,
      sourceAddress,
    });
    const device = await this.deviceOf(access);
    await this.deps.rights.authorize(user, device, 'unattended', { sourceAddress });
    if (!(await store.unattended.connect(access.id, { userId: user.id, at: clock.now() }))) {
      throw await this.whyNotConnectable(access.id);
    }
    const created = await this.accessSessions.open(access, (onFinished) =>
      this.deps.sessions.create(
        user,
        {
          deviceId: device.id,
          kind: request.kind,
          mode: access.mode,
          ...(request.cols && request.rows ? { cols: request.cols, rows: request.rows } : {}),
          ...(request.viewOnly ? { viewOnly: true } : {}),
        },
        sourceAddress,
        { accessId: access.id, onFinished },
      ),
    );
    await audit.record({
      action: 'unattended.connected',
      actor: user.username,
      target: device.id,
      sourceAddress,
      details: { accessId: access.id, sessionId: created.session.id, kind: request.kind },
    });
    return created;
  }

  /**
   * Turns unattended access off for a device: every live access of it is revoked (its sessions
   * end), and the agent turns its unattended service off. Returns the revoked access IDs.
   */
  async turnOff(user: UserRecord, deviceId: string, sourceAddress: string): Promise<string[]> {
    const device = await this.deps.rights.authorize(user, deviceId, 'unattended', {
      sourceAddress,
    });
    return this.queue.run(device.id, async () => {
      const revoked = await this.revokeAll(
        device,
        { actor: user.username, sourceAddress },
        'turned_off',
      );
      return revoked.map((access) => access.id);
    });
  }

  /**
   * The user at the device turned unattended access off (`tether agent unattended off`). When
   * one of the reported accesses is still live, every live access of the device is revoked,
   * audited with the device as actor; a late report of an access already dead changes nothing
   * (it cannot end a newer access), and the agent gets the live list so it stops reporting.
   */
  async turnedOffAtDevice(
    deviceId: string,
    report: { accessIds: string[]; sourceAddress: string },
  ): Promise<void> {
    const device = await this.deps.store.devices.find(deviceId);
    if (!device) return;
    await this.queue.run(device.id, async () => {
      const live = await this.deps.store.unattended.listLive(device.id);
      if (live.some((access) => report.accessIds.includes(access.id))) {
        const by = { actor: `device:${device.id}`, sourceAddress: report.sourceAddress };
        await this.revokeAll(device, by, 'turned_off_at_device');
        return;
      }
      const accessIds = live.map((access) => access.id);
      this.deps.presence.get(device.id)?.send({ type: 'unattended.sync', accessIds });
    });
  }

  /**
   * The device is being deleted (issue 15): every live access of it is revoked and its sessions
   * end, audited with whoever deleted it.
   */
  async turnOffForDeletion(
    deviceId: string,
    by: { actor: string; sourceAddress: string },
  ): Promise<void> {
    const device = await this.deps.store.devices.find(deviceId);
    if (!device) return;
    await this.queue.run(device.id, () => this.revokeAll(device, by, 'turned_off'));
  }

  /** Revoking one access turns off the whole device: no other password may stay valid. */
  async revoke(user: UserRecord, id: string, sourceAddress: string): Promise<void> {
    const access = await this.find(id);
    await this.turnOff(user, access.deviceId, sourceAddress);
  }

  /** The accesses of devices on whose group the user has the `unattended` right. */
  async list(user: UserRecord, deviceId?: string): Promise<UnattendedAccess[]> {
    const groups = (await this.deps.rights.of(user)).groupsWith('unattended');
    const accesses = await this.deps.store.unattended.list({
      limit: 100,
      ...(deviceId ? { deviceId } : {}),
      ...(groups === 'all' ? {} : { groups }),
    });
    const devices = new Map<string, DeviceRecord | undefined>();
    const assistance = new Map<string, EffectivePolicy['assistance']>();
    for (const access of accesses) {
      if (devices.has(access.deviceId)) continue;
      devices.set(access.deviceId, await this.deps.store.devices.find(access.deviceId));
      assistance.set(access.deviceId, await this.deps.assistanceFor(access.deviceId));
    }
    return accesses.flatMap((access) => {
      const device = devices.get(access.deviceId);
      const modeRights = rightsOfMode(assistance.get(access.deviceId)?.modes, access.mode) ?? [];
      return device ? [toApiAccess(access, device, modeRights)] : [];
    });
  }

  /** The agent (re)connected: it keeps its service on for the live accesses only. */
  async onDeviceReady(deviceId: string): Promise<void> {
    const live = await this.deps.store.unattended.listLive(deviceId);
    this.deps.presence
      .get(deviceId)
      ?.send({ type: 'unattended.sync', accessIds: live.map((access) => access.id) });
  }

  onReply(deviceId: string, reply: MessageOf<AgentMessage, 'unattended.reply'>): void {
    this.answers.settle(deviceId, reply.accessId, reply.error);
  }

  /** Accesses whose time ran out become dead; their agents turn the service off. */
  async expireDue(): Promise<void> {
    try {
      const expired = await this.deps.store.unattended.expireDue(this.deps.clock.now());
      for (const access of expired) {
        this.disableOnAgent(access, 'expired');
        this.deps.presence.events.emit({
          type: 'unattended-off',
          deviceId: access.deviceId,
          accessIds: [access.id],
          reason: 'expired',
        });
        await this.deps.audit.record({
          action: 'unattended.expired',
          actor: 'system',
          target: access.deviceId,
          details: { accessId: access.id },
        });
      }
    } catch (error) {
      this.deps.log.error({ err: error }, 'cannot expire unattended accesses');
    }
  }

  /**
   * Revokes every live access of a device: their sessions end, the agent turns the service off
   * for each and then keeps none (an access the server forgot is dropped too). Audited per
   * access with the reason.
   */
  private async revokeAll(
    device: DeviceRecord,
    by: { actor: string; sourceAddress: string },
    reason: RevokeReason,
  ): Promise<UnattendedAccessRecord[]> {
    const revoked = await this.deps.store.unattended.revokeLive(device.id, this.deps.clock.now());
    for (const access of revoked) {
      for (const sessionId of this.accessSessions.of(access.id)) {
        await this.deps.sessions.end(sessionId, ENDED_BECAUSE[reason](by.actor));
      }
      this.disableOnAgent(access, reason === 'replaced' ? 'replaced' : 'turned off');
      await this.deps.audit.record({
        action: 'unattended.revoked',
        actor: by.actor,
        target: device.id,
        sourceAddress: by.sourceAddress,
        details: { accessId: access.id, reason },
      });
    }
    this.deps.presence.get(device.id)?.send({ type: 'unattended.sync', accessIds: [] });
    this.deps.presence.events.emit({
      type: 'unattended-off',
      deviceId: device.id,
      accessIds: revoked.map((access) => access.id),
      reason,
    });
    return revoked;
  }

  private disableOnAgent(access: UnattendedAccessRecord, why: string): void {
    this.deps.presence.get(access.deviceId)?.send({
      type: 'unattended.disable',
      accessId: access.id,
      reason: `unattended access ${formatAccessId(access.id)} ${why}`,
    });
  }

  private expiryFromNow(): Date {
    return new Date(this.deps.clock.now().getTime() + IDLE_MS);
  }

  private async find(id: string): Promise<UnattendedAccessRecord> {
    const access = await this.deps.store.unattended.find(id);
    if (!access) throw new AppError('NOT_FOUND', 'There is no such unattended access.');
    return access;
  }

  private async liveAccess(id: string): Promise<UnattendedAccessRecord> {
    const access = await this.find(id);
    const expired =
      access.state === 'expired' ||
      access.state === 'revoked' ||
      (access.expiresAt !== null && access.expiresAt <= this.deps.clock.now());
    if (expired) throw deadAccess(access);
    return access;
  }

  private async deviceOf(access: UnattendedAccessRecord): Promise<DeviceRecord> {
    const device = await this.deps.store.devices.find(access.deviceId);
    if (!device) throw new AppError('NOT_FOUND', 'The device of this access was removed.');
    return device;
  }

  private async whyNotConnectable(id: string): Promise<AppError> {
    const access = await this.find(id);
    return access.state === 'connected' ? accessHeld() : deadAccess(access);
  }

  private async audited(
    error: unknown,
    context: { user: UserRecord; device: DeviceRecord; sourceAddress: string; mode: string },
  ): Promise<never> {
    if (error instanceof AppError) {
      await this.deps.audit.record({
        action: 'unattended.refused',
        actor: context.user.username,
        target: context.device.id,
        sourceAddress: context.sourceAddress,
        details: { mode: context.mode, code: error.code, message: error.message },
      });
    }
    throw error;
  }
}
