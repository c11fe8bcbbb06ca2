export {
  createTetherClient,
  type TetherClient,
  type TetherClientOptions,
} from './client/tether-client.js';
export type { AuditClient, AuditFilter, AuditQuery } from './client/audit-client.js';
export { relaySocketUrl, type RelayBase } from './relay/relay-socket-url.js';
export {
  parseAsciicast,
  type Asciicast,
  type AsciicastEvent,
  type AsciicastEventType,
  type AsciicastHeader,
} from './asciicast/parse-asciicast.js';
export {
  watchDevices,
  type WatchDevicesOptions,
  type DeviceEventSource,
} from './events/watch-devices.js';
