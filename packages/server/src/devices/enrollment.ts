import { randomUUID } from 'node:crypto';
import {
  AppError,
  enrollmentProofText,
  type ProofChannel,
  parseEnrollmentToken,
  type EnrollResponse,
  type EnrollWithOverridesRequest,
  type InstallerAttributes,
  type InstallOverrides,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { ServerKeyService } from '../keys/server-key-service.js';
import type { PolicyRecord } from '../store/policy-repository.js';
import type { EnrollRefusal, Store } from '../store/store.js';
import { isActiveInstaller } from '../installers/installer-service.js';
import {
  applyOverrides,
  deviceFieldsOf,
  resolveAttributes,
} from '../installers/installer-attributes.js';

const REFUSALS: Record<EnrollRefusal, AppError> = {
  not_found: new AppError(
    'TOKEN_REVOKED',
    'This installer no longer exists. Ask your administrator for a new one.',
  ),
  revoked: new AppError(
    'TOKEN_REVOKED',
    'This installer was revoked. Ask your administrator for a new one.',
  ),
  expired: new AppError(
    'TOKEN_EXPIRED',
    'This installer has expired. Ask your administrator for a new one.',
  ),
  exhausted: new AppError(
    'FORBIDDEN',
    'This installer has been used its maximum number of times. Ask your administrator for a new one.',
  ),
};

/**
 * Enrols an agent (issue 2 §4): verifies the token's signature, pin and expiry, then in one
 * store transaction counts the install and creates the device. Any refusal writes nothing but
 * an audit entry. A token signed with a server key since rotated but not retired still enrols.
 * The reply is signed and bound to the TLS certificate the agent saw (unless the server is behind
 * a TLS-terminating proxy, S-11).
 */
export async function enrollDevice(
  deps: {
    store: Store;
    clock: Clock;
    /** Installers made before a key rotation still enrol with their key until it is retired. */
    keys: Pick<ServerKeyService, 'identityFor' | 'isRetired' | 'onPinned'>;
    audit: AuditLog;
    tlsFingerprint: string;
    /** Behind a TLS-terminating proxy (S-11): the proof binds no certificate. */
    behindProxy: boolean;
  },
  request: EnrollWithOverridesRequest & { sourceAddress: string },
): Promise<EnrollResponse> {
  const refuse = async (error: AppError, installerId?: string): Promise<never> => {
    await deps.audit.refused({
      action: 'device.enroll_refused',
      actor: request.sourceAddress,
      target: installerId ?? null,
      sourceAddress: request.sourceAddress,
      details: { reason: error.message, hostname: request.inventory.hostname },
    });
    throw error;
  };
  const token = parseEnrollmentToken(request.token);
  if (!token) {
    return refuse(
      new AppError(
        'TOKEN_INVALID',
        'This is not a valid enrolment token. Copy the whole token from the installer.',
      ),
    );
  }
  const { claims } = token;
  if (deps.keys.isRetired(claims.serverKeyHash)) {
    return refuse(
      new AppError(
        'TOKEN_REVOKED',
        'This installer was made with a server key that has since been retired. Ask your administrator for a new one.',
      ),
      claims.installerId,
    );
  }
  const identity = deps.keys.identityFor(claims.serverKeyHash);
  if (!identity?.verify(token.signingInput, token.signature)) {
    return refuse(
      new AppError(
        'TOKEN_INVALID',
        'This enrolment token was not issued by this server, or it was altered.',
      ),
    );
  }
  const now = deps.clock.now();
  if (claims.exp * 1000 <= now.getTime()) {
    const expired = new Date(claims.exp * 1000).toISOString();
    return refuse(
      new AppError(
        'TOKEN_EXPIRED',
        `This enrolment token expired at ${expired}. Ask your administrator for a new installer.`,
      ),
      claims.installerId,
    );
  }
  let planned: Awaited<ReturnType<typeof plannedAttributes>>;
  try {
    planned = await plannedAttributes(deps.store, {
      installerId: claims.installerId,
      overrides: request.overrides ?? {},
      now,
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return refuse(error, claims.installerId);
  }
  const result = await deps.store.devices.enroll({
    installerId: claims.installerId,
    now,
    ...(planned && { group: planned.attributes.group }),
    device: {
      id: randomUUID(),
      name: planned?.attributes.name ?? request.inventory.hostname,
      publicKey: request.publicKey,
      inventory: request.inventory,
      enrolledAt: now,
      ...(planned && deviceFieldsOf(planned.attributes)),
    },
  });
  if (!result.ok) return refuse(REFUSALS[result.reason], claims.installerId);
  const { device } = result;
  const policies = planned?.policies ?? [];
  await assignToDevice(deps.store, { policies, deviceId: device.id, now });
  // The agent pins the key its installer named; its first connection hands it over if rotated.
  await deps.keys.onPinned(device.id, identity.publicKey);
  await deps.audit.record({
    action: 'device.enrolled',
    actor: `device:${device.id}`,
    target: device.id,
    sourceAddress: request.sourceAddress,
    details: {
      installerId: claims.installerId,
      group: device.group,
      hostname: device.inventory.hostname,
      overrides: request.overrides ?? {},
      policies: policies.map((policy) => policy.name),
    },
  });
  const channel: ProofChannel = deps.behindProxy
    ? { mode: 'behind-proxy' }
    : { mode: 'direct', tlsFingerprint: deps.tlsFingerprint };
  return {
    deviceId: device.id,
    serverPublicKey: identity.publicKey,
    signature: identity.sign(
      enrollmentProofText({ deviceId: device.id, agentPublicKey: request.publicKey, channel }),
    ),
    mode: channel.mode,
  };
}

/**
 * What the device gets from its installer and the install-time overrides. An
 * override the installer does not allow is `FORBIDDEN`, an unknown group or policy
 * `INVALID_INPUT`, disagreeing policies `CONFLICT`: all before anything is written. Undefined
 * when the installer no longer installs: the store's enrolment then says why.
 */
async function plannedAttributes(
  store: Store,
  input: { installerId: string; overrides: InstallOverrides; now: Date },
): Promise<{ attributes: InstallerAttributes; policies: PolicyRecord[] } | undefined> {
  const installer = await store.installers.find(input.installerId);
  if (!installer || !isActiveInstaller(installer, input.now)) return undefined;
  const { attributes, refused } = applyOverrides(installer, input.overrides);
  if (refused.length > 0) {
    throw new AppError(
      'FORBIDDEN',
      `This installer does not allow overriding ${refused.join(', ')} at install time. Install without that option, or ask your administrator for an installer that allows it.`,
      { refused },
    );
  }
  return resolveAttributes(store, attributes);
}

/** The installer's policies are assigned to the new device itself, like an administrator would. */
async function assignToDevice(
  store: Store,
  input: { policies: readonly PolicyRecord[]; deviceId: string; now: Date },
): Promise<void> {
  for (const { id } of input.policies) {
    const current = await store.policies.find(id);
    if (!current) continue;
    await store.policies.setAssignments(id, {
      assignments: [...current.assignments, { type: 'device', deviceId: input.deviceId }],
      updatedAt: input.now,
    });
  }
}
