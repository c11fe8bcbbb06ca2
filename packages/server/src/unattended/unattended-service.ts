import { randomInt } from 'node:crypto';
import {
  AppError,
  UNATTENDED_IDLE_MINUTES,
  formatAccessId,
  type AccessFile,
  type AgentMessage,
  type ConnectUnattendedRequest,
  type CreateSessionResponse,
  type CreateUnattendedResponse,
  type MessageOf,
  type UnattendedAccessMode,
} from '@tether/protocol';
import { admitMode } from '../assistance/admit-session.js';
import { requireAgentCapability } from '../assistance/session-terms.js';
import type { AuditLog } from '../audit/audit-log.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import { decoyHash, hashPassword, verifyPassword } from '../auth/password-hash.js';
import type { Clock } from '../clock.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import type { EffectivePolicy } from '../policies/effective-policy.js';
import type { SessionService } from '../sessions/session-service.js';
import type { DeviceRecord, Store, UserRecord } from '../store/store.js';
import type { UnattendedAccessRecord } from '../store/unattended-repository.js';
import { AgentAnswers } from './agent-answers.js';
import { toApiAccess } from './access-view.js';
import { generateOneTimePassword } from './one-time-password.js';

const IDLE_MS = UNATTENDED_IDLE_MINUTES * 60_000;

/**
 * Wrong one-time passwords, per access and per device (M-2): three free, then 5 s doubling to
 * one minute, so after the first few at most a guess or two a minute gets through.
 */
const GUESS_LIMITS = { freeAttempts: 3, firstDelayMs: 5000, maxDelayMs: 60_000 };

export interface UnattendedServiceDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  presence: DevicePresence;
  sessions: SessionService;
  log: Logger;
  assistanceFor(deviceId: string): Promise<EffectivePolicy['assistance']>;
  publicUrl(): string;
  /** How long the agent has to confirm its service is on (default 10 s). */
  replyTimeoutMs?: number;
  /** How often expiry is checked (default 1 s). */
  checkEveryMs?: number;
}

/**
 * Unattended access (M-2, with dynamic's unattended branch of M-3): a technician gets a session
 * ID, a one-time password (stored only as a scrypt hash, shown once) and an access file; the
 * device's agent turns its unattended service on for that access. Connecting needs the
 * password; wrong ones are slowed down per access and per device, and audited. When the last
 * connection ends a 15-minute timer starts, after which the access is dead and the agent turns
 * the service off again.
 */
export class UnattendedService {
  private readonly guesses: LoginLimiter;
  private readonly answers: AgentAnswers;
  /** Sessions running under each access on this node. */
  private readonly running = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: UnattendedServiceDeps) {
    this.guesses = new LoginLimiter(deps.clock, GUESS_LIMITS);
    this.answers = new AgentAnswers(deps.presence, deps.replyTimeoutMs ?? 10_000);
  }

  /** Starts the expiry check; accesses left `connected` by a crash start their timer now. */
  async start(): Promise<void> {
    await this.deps.store.unattended.releaseAll(this.expiryFromNow());
    this.timer = setInterval(() => void this.expireDue(), this.deps.checkEveryMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Makes an access for a device and turns the agent's service on for it. */
  async create(
    user: UserRecord,
    request: { deviceId: string; mode: UnattendedAccessMode },
    sourceAddress: string,
  ): Promise<CreateUnattendedResponse> {
    const { store, clock } = this.deps;
    const device = await store.devices.find(request.deviceId);
    if (!device)
      throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
    const refuse = (error: unknown): Promise<never> =>
      this.audited(error, { user, device, sourceAddress, mode: request.mode });
    try {
      admitMode({
        device,
        mode: request.mode,
        assistance: await this.deps.assistanceFor(device.id),
        now: clock.now(),
      });
    } catch (error) {
      return refuse(error);
    }
    const link = this.deps.presence.get(device.id);
    if (!link) {
      return refuse(
        new AppError(
          'DEVICE_OFFLINE',
          `"${device.name}" is offline: its agent must be connected to turn unattended access on.`,
        ),
      );
    }
    try {
      requireAgentCapability(link, device, request.mode, 'unattended');
    } catch (error) {
      return refuse(error);
    }
    const password = generateOneTimePassword();
    const createdAt = clock.now();
    const id = await this.insert(device, request.mode, user, await hashPassword(password));
    try {
      await this.answers.ask(device.id, id, () =>
        link.send({
          type: 'unattended.enable',
          accessId: id,
          checkPresence: request.mode === 'dynamic',
        }),
      );
    } catch (error) {
      await store.unattended.revoke(id, clock.now());
      return refuse(error);
    }
    await this.deps.audit.record({
      action: 'unattended.created',
      actor: user.username,
      target: device.id,
      sourceAddress,
      details: { accessId: id, mode: request.mode },
    });
    const access = await this.find(id);
    return {
      access: toApiAccess(access, device),
      password,
      accessFile: this.accessFile(access, device, createdAt),
    };
  }

  /** The access file of a live access; refused once it is dead. */
  async accessFileOf(id: string): Promise<{ file: AccessFile; fileName: string }> {
    const access = await this.liveAccess(id);
    const device = await this.deviceOf(access);
    return {
      file: this.accessFile(access, device, access.createdAt),
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
    const access = await store.unattended.find(request.accessId);
    const keys = [`access:${request.accessId}`, `device:${access?.deviceId ?? 'unknown'}`];
    const waitMs = this.guesses.retryAfterMs(keys);
    if (waitMs > 0) {
      const retryAfterSec = Math.ceil(waitMs / 1000);
      await audit.record({
        action: 'unattended.throttled',
        actor: user.username,
        target: access?.deviceId ?? null,
        sourceAddress,
        details: { accessId: request.accessId, retryAfterSec },
      });
      throw new AppError(
        'RATE_LIMITED',
        `Too many wrong one-time passwords for this session: wait ${retryAfterSec} s before trying again.`,
        { retryAfterSec },
      );
    }
    const isRight = await verifyPassword(
      request.password,
      access?.passwordHash ?? (await decoyHash),
    );
    if (!access || !isRight) {
      this.guesses.recordFailure(keys);
      await audit.record({
        action: 'unattended.auth_failed',
        actor: user.username,
        target: access?.deviceId ?? null,
        sourceAddress,
        details: { accessId: request.accessId },
      });
      throw new AppError(
        'AUTH_FAILED',
        'The session ID or the one-time password is wrong. Check both and try again.',
      );
    }
    this.guesses.recordSuccess(keys[0] ?? '');
    const device = await this.deviceOf(access);
    if (!(await store.unattended.connect(access.id, { userId: user.id, at: clock.now() }))) {
      throw await this.whyNotConnectable(access.id);
    }
    const sessions = this.running.get(access.id) ?? new Set<string>();
    this.running.set(access.id, sessions);
    let sessionId = '';
    const onFinished = (): void => {
      sessions.delete(sessionId);
      if (sessions.size === 0) {
        this.running.delete(access.id);
        store.unattended
          .release(access.id, { expiresAt: this.expiryFromNow() })
          .catch((error: unknown) =>
            this.deps.log.error({ err: error, accessId: access.id }, 'cannot release access'),
          );
      }
    };
    try {
      const created = await this.deps.sessions.create(
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
      );
      sessionId = created.session.id;
      sessions.add(sessionId);
      await audit.record({
        action: 'unattended.connected',
        actor: user.username,
        target: device.id,
        sourceAddress,
        details: { accessId: access.id, sessionId, kind: request.kind },
      });
      return created;
    } catch (error) {
      if (sessions.size === 0) onFinished();
      throw error;
    }
  }

  /** Ends an access now: its sessions end and the agent turns the service off. */
  async revoke(user: UserRecord, id: string, sourceAddress: string): Promise<void> {
    const access = await this.liveAccess(id);
    if (!(await this.deps.store.unattended.revoke(id, this.deps.clock.now()))) return;
    for (const sessionId of this.running.get(id) ?? []) {
      await this.deps.sessions.end(sessionId, `Unattended access was revoked by ${user.username}.`);
    }
    this.turnOff(access, 'revoked');
    await this.deps.audit.record({
      action: 'unattended.revoked',
      actor: user.username,
      target: access.deviceId,
      sourceAddress,
      details: { accessId: id },
    });
  }

  async list(deviceId?: string): Promise<ReturnType<typeof toApiAccess>[]> {
    const accesses = await this.deps.store.unattended.list({
      limit: 100,
      ...(deviceId ? { deviceId } : {}),
    });
    const devices = new Map<string, DeviceRecord | undefined>();
    for (const access of accesses) {
      if (!devices.has(access.deviceId))
        devices.set(access.deviceId, await this.deps.store.devices.find(access.deviceId));
    }
    return accesses.flatMap((access) => {
      const device = devices.get(access.deviceId);
      return device ? [toApiAccess(access, device)] : [];
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
        this.turnOff(access, 'expired');
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

  private turnOff(access: UnattendedAccessRecord, why: 'expired' | 'revoked'): void {
    this.deps.presence.get(access.deviceId)?.send({
      type: 'unattended.disable',
      accessId: access.id,
      reason: `unattended access ${formatAccessId(access.id)} ${why}`,
    });
  }

  private expiryFromNow(): Date {
    return new Date(this.deps.clock.now().getTime() + IDLE_MS);
  }

  private async insert(
    device: DeviceRecord,
    mode: UnattendedAccessMode,
    user: UserRecord,
    passwordHash: string,
  ): Promise<string> {
    for (let attempt = 0; ; attempt += 1) {
      const id = String(randomInt(100_000_000, 1_000_000_000));
      try {
        await this.deps.store.unattended.create({
          id,
          deviceId: device.id,
          mode,
          state: 'waiting',
          passwordHash,
          createdAt: this.deps.clock.now(),
          createdBy: user.username,
          expiresAt: this.expiryFromNow(),
        });
        return id;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'CONFLICT') || attempt >= 5) throw error;
      }
    }
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
    if (access.state === 'connected') {
      return new AppError(
        'CONFLICT',
        'Another technician is connected with this unattended access; one technician at a time.',
      );
    }
    return deadAccess(access);
  }

  private accessFile(
    access: UnattendedAccessRecord,
    device: DeviceRecord,
    createdAt: Date,
  ): AccessFile {
    return {
      format: 'tether-access-v1',
      server: this.deps.publicUrl(),
      accessId: access.id,
      deviceId: device.id,
      deviceName: device.name,
      createdAt: createdAt.toISOString(),
    };
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

function deadAccess(access: UnattendedAccessRecord): AppError {
  return new AppError(
    'TOKEN_EXPIRED',
    access.state === 'revoked'
      ? `Unattended access ${formatAccessId(access.id)} was revoked; create a new one.`
      : `Unattended access ${formatAccessId(access.id)} has expired (${UNATTENDED_IDLE_MINUTES} minutes after its last connection); its password and access file no longer work. Create a new one.`,
  );
}
