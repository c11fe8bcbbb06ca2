import { randomInt } from 'node:crypto';
import {
  AppError,
  rightsOfMode,
  type CreateUnattendedResponse,
  type UnattendedAccessMode,
} from '@tether/protocol';
import { admitMode } from '../assistance/admit-session.js';
import { requireAgentCapability } from '../assistance/session-terms.js';
import { hashPassword } from '../auth/password-hash.js';
import type { AgentLink } from '../devices/device-presence.js';
import type { DeviceRecord, UserRecord } from '../store/store.js';
import type { UnattendedAccessRecord } from '../store/unattended-repository.js';
import { accessAlreadyOn } from './access-errors.js';
import { toAccessFile, toApiAccess } from './access-view.js';
import type { AgentAnswers } from './agent-answers.js';
import { generateOneTimePassword } from './one-time-password.js';
import type { UnattendedServiceDeps } from './unattended-deps.js';

/** What turning an access on needs from the service. */
export type TurnOnDeps = Pick<
  UnattendedServiceDeps,
  'store' | 'clock' | 'audit' | 'presence' | 'assistanceFor' | 'publicUrl'
> & { answers: AgentAnswers; expiresAt: () => Date };

/**
 * Everything a new access needs but the one-live-access check: the policy allows the mode, the
 * device is in its access window, and its agent is connected and able to serve the mode.
 * Throws the refusal.
 */
export async function admitUnattended(
  deps: TurnOnDeps,
  input: { device: DeviceRecord; mode: UnattendedAccessMode },
): Promise<AgentLink> {
  const { device, mode } = input;
  admitMode({
    device,
    mode,
    assistance: await deps.assistanceFor(device.id),
    now: deps.clock.now(),
  });
  const link = deps.presence.get(device.id);
  if (!link) {
    throw new AppError(
      'DEVICE_OFFLINE',
      `"${device.name}" is offline: its agent must be connected to turn unattended access on.`,
    );
  }
  requireAgentCapability(link, device, mode, 'unattended');
  return link;
}

/**
 * Makes a new access for a device that has no live one, and waits for the agent to turn its
 * service on for it; the access is revoked again when the agent refuses or does not answer.
 * The password is returned here only.
 */
export async function turnOnAccess(
  deps: TurnOnDeps,
  input: {
    user: UserRecord;
    device: DeviceRecord;
    agent: AgentLink;
    mode: UnattendedAccessMode;
    sourceAddress: string;
    /** The accesses this one replaces, already revoked: named in the audit. */
    replaced: UnattendedAccessRecord[];
  },
): Promise<CreateUnattendedResponse> {
  const { user, device, mode } = input;
  const password = generateOneTimePassword();
  const access = await insertAccess(deps, {
    deviceId: device.id,
    mode,
    state: 'waiting',
    passwordHash: await hashPassword(password),
    createdAt: deps.clock.now(),
    createdBy: user.username,
    expiresAt: deps.expiresAt(),
  });
  if (!access) throw await busyDevice(deps, device);
  try {
    await deps.answers.ask(device.id, access.id, () =>
      input.agent.send({
        type: 'unattended.enable',
        accessId: access.id,
        checkPresence: mode === 'dynamic',
      }),
    );
  } catch (error) {
    await deps.store.unattended.revoke(access.id, deps.clock.now());
    throw error;
  }
  await deps.audit.record({
    action: 'unattended.created',
    actor: user.username,
    target: device.id,
    sourceAddress: input.sourceAddress,
    details: { accessId: access.id, mode, replaced: input.replaced.map((old) => old.id) },
  });
  deps.presence.events.emit({
    type: 'unattended-on',
    deviceId: device.id,
    accessId: access.id,
    mode,
  });
  const rights = rightsOfMode((await deps.assistanceFor(device.id)).modes, mode) ?? [];
  return {
    access: toApiAccess((await deps.store.unattended.find(access.id)) ?? access, device, rights),
    password,
    accessFile: toAccessFile(access, device, deps.publicUrl()),
  };
}

/** Inserts under a fresh random ID; undefined when the device already has a live access. */
async function insertAccess(
  deps: Pick<TurnOnDeps, 'store'>,
  access: Omit<UnattendedAccessRecord, 'id' | 'holderUserId' | 'lastConnectedAt' | 'endedAt'>,
): Promise<UnattendedAccessRecord | undefined> {
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const id = String(randomInt(100_000_000, 1_000_000_000));
    const outcome = await deps.store.unattended.create({ id, ...access });
    if (outcome === 'created') {
      return { id, ...access, holderUserId: null, lastConnectedAt: null, endedAt: null };
    }
    if (outcome === 'device-busy') return undefined;
  }
  throw new AppError('UNAVAILABLE', 'Could not find a free unattended session ID; try again.');
}

/** Another request turned access on between our check and our insert (another node, say). */
async function busyDevice(
  deps: Pick<TurnOnDeps, 'store'>,
  device: DeviceRecord,
): Promise<AppError> {
  const [live] = await deps.store.unattended.listLive(device.id);
  return live
    ? accessAlreadyOn(live, device)
    : new AppError(
        'CONFLICT',
        `Unattended access on "${device.name}" changed at the same time; try again.`,
      );
}
