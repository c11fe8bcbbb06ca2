export type { RelayPeer } from './relay-peer.js';
export { QueuedPeer } from './queued-peer.js';
export {
  pairPeers,
  DEFAULT_HIGH_WATER_MARK,
  DEFAULT_LOW_WATER_MARK,
  type PairPeersOptions,
  type RelayEnd,
  type RelayPair,
  type RelayStats,
  type RelayTap,
} from './pair-peers.js';
export { closeReason, sendableCloseCode, MAX_CLOSE_REASON_BYTES } from './close-codes.js';
