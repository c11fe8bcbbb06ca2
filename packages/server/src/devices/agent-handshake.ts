import { randomBytes } from 'node:crypto';
import {
  AppError,
  agentProofText,
  serverProofText,
  type AgentMessage,
  type MessageOf,
  type ProofChannel,
  type ServerMessage,
} from '@tether/protocol';
import type { DeviceRecord } from '../store/store.js';
import type { AgentChannelDeps, ControlSocket } from './agent-channel-deps.js';
import { verifyAgentSignature } from './agent-signature.js';

/** What the server holds between hello and auth. */
export interface Handshake {
  /** As enrolled (deleted or not), with the inventory its hello brought. */
  device: DeviceRecord;
  /** Whether that inventory differs from the stored one (most reconnections bring the same). */
  isInventoryChanged: boolean;
  agentNonce: string;
  serverNonce: string;
  /** The server key that signed the challenge: the one the agent proves it pins. */
  serverKey: string;
}

type HandshakeDeps = Pick<
  AgentChannelDeps,
  'store' | 'audit' | 'identity' | 'serverKeys' | 'behindProxy'
>;
type Remote = Pick<ControlSocket, 'remoteAddress' | 'tlsFingerprint'>;

/**
 * The first half of the challenge–response (S-2): the device the hello names, as enrolled, and
 * the challenge that proves this server's key, bound to this connection's certificate unless a
 * proxy terminates TLS. An unknown device is refused and audited.
 *
 * @example
 * const { handshake, challenge } = await answerHello(deps, socket, hello);
 */
export async function answerHello(
  deps: HandshakeDeps,
  remote: Remote,
  hello: MessageOf<AgentMessage, 'hello'>,
): Promise<{ handshake: Handshake; challenge: ServerMessage }> {
  const device = await deps.store.devices.find(hello.deviceId);
  if (!device) {
    await deps.audit.refused({
      action: 'device.auth_failed',
      actor: `device:${hello.deviceId}`,
      sourceAddress: remote.remoteAddress,
      details: { reason: 'unknown device' },
    });
    throw new AppError(
      'AUTH_FAILED',
      'This device is not enrolled on this server (it may have been deleted). Enrol it again with a new installer.',
    );
  }
  const handovers = deps.serverKeys?.handovers() ?? [];
  const handshake: Handshake = {
    device: { ...device, inventory: hello.inventory },
    isInventoryChanged: JSON.stringify(device.inventory) !== JSON.stringify(hello.inventory),
    agentNonce: hello.agentNonce,
    serverNonce: randomBytes(32).toString('base64url'),
    // Read and used in this same turn: a rotation cannot slip between the key and signature.
    serverKey: deps.identity.publicKey,
  };
  const channel: ProofChannel = deps.behindProxy()
    ? { mode: 'behind-proxy' }
    : { mode: 'direct', tlsFingerprint: remote.tlsFingerprint };
  const challenge: ServerMessage = {
    type: 'challenge',
    serverNonce: handshake.serverNonce,
    serverPublicKey: handshake.serverKey,
    ...(handovers.length > 0 && { handovers }),
    signature: deps.identity.sign(
      serverProofText({
        agentNonce: handshake.agentNonce,
        serverNonce: handshake.serverNonce,
        channel,
      }),
    ),
    mode: channel.mode,
  };
  return { handshake, challenge };
}

/**
 * The second half: the agent's signature over both nonces must match the key it enrolled with.
 * A mismatch is refused and audited.
 */
export async function checkAgentProof(
  deps: HandshakeDeps,
  remote: Remote,
  handshake: Handshake,
  signature: string,
): Promise<void> {
  const { device } = handshake;
  const text = agentProofText({
    deviceId: device.id,
    serverNonce: handshake.serverNonce,
    agentNonce: handshake.agentNonce,
  });
  if (verifyAgentSignature(device.publicKey, text, signature)) return;
  await deps.audit.refused({
    action: 'device.auth_failed',
    actor: `device:${device.id}`,
    target: device.id,
    sourceAddress: remote.remoteAddress,
    details: { reason: 'bad signature' },
  });
  throw new AppError(
    'AUTH_FAILED',
    'Device authentication failed: the signature does not match the enrolled key.',
  );
}
