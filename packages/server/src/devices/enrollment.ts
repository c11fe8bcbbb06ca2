import { randomUUID } from 'node:crypto';
import {
  AppError,
  enrollmentProofText,
  type ProofChannel,
  parseEnrollmentToken,
  type EnrollRequest,
  type EnrollResponse,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { ServerKeyService } from '../keys/server-key-service.js';
import type { EnrollRefusal, Store } from '../store/store.js';

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
  request: EnrollRequest & { sourceAddress: string },
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
  const result = await deps.store.devices.enroll({
    installerId: claims.installerId,
    now,
    device: {
      id: randomUUID(),
      name: request.inventory.hostname,
      publicKey: request.publicKey,
      inventory: request.inventory,
      enrolledAt: now,
    },
  });
  if (!result.ok) return refuse(REFUSALS[result.reason], claims.installerId);
  const { device } = result;
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
