import {
  AppError,
  SERVER_KEY_HANDOVER_PURPOSE,
  keyHandoverText,
  type KeyHandover,
} from '@tether/protocol/agent';
import { serverKeyHash, verifyText } from './ed25519.js';

/**
 * The server key to trust, starting from the pinned one (S-6): `serverKey` itself when it is the
 * pinned key, else the end of a chain of hand-overs each signed by the key before it, the first
 * by the pinned key. Anything else — a link signed by another key, a gap, a loop, another
 * purpose — throws `AppError('AUTH_FAILED')`: the agent then does not connect.
 *
 * @example
 * const trusted = followHandovers({ pinnedKey, serverKey: challenge.serverPublicKey, handovers });
 */
export function followHandovers(input: {
  pinnedKey: string;
  serverKey: string;
  handovers: readonly KeyHandover[];
}): string {
  const { pinnedKey, serverKey, handovers } = input;
  let trusted = pinnedKey;
  const visited = new Set<string>([trusted]);
  while (trusted !== serverKey) {
    const from = trusted;
    const link = handovers.find(
      (candidate) =>
        candidate.fromKey === from &&
        candidate.purpose === SERVER_KEY_HANDOVER_PURPOSE &&
        !visited.has(candidate.toKey) &&
        verifyText(from, keyHandoverText(candidate), candidate.signature),
    );
    if (!link) throw refused(pinnedKey, serverKey, handovers.length);
    trusted = link.toKey;
    visited.add(trusted);
  }
  return trusted;
}

function refused(pinnedKey: string, serverKey: string, links: number): AppError {
  const pinned = serverKeyHash(pinnedKey) ?? pinnedKey;
  const presented = serverKeyHash(serverKey) ?? serverKey;
  return new AppError(
    'AUTH_FAILED',
    links === 0
      ? `Server identity mismatch: the server presented key ${presented}, not the key ${pinned} pinned at enrolment, and no hand-over from it. Something may be impersonating the server; if the server's key was retired or the server reinstalled, enrol this agent again.`
      : `Server identity mismatch: the server presented key ${presented} with a key hand-over that the pinned key ${pinned} did not sign (forged or broken chain). The agent keeps its pinned key and does not connect; if the key was retired, enrol this agent again.`,
  );
}
