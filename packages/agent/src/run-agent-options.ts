import type { DeviceNetwork } from '@tether/protocol/agent';
import type { Logger } from './logging.js';
import type { ConsentFrontend } from './assistance/consent-broker.js';
import type { UserPresence } from './assistance/user-presence.js';
import type { Clock } from './clock.js';
import type { SelfUninstallRequest } from './install/self-uninstall.js';
import type { Platform } from './platform/platform.js';
import type { VncTarget } from './sessions/desktop/index.js';

/** Options of `runAgent`. */
export interface RunAgentOptions {
  /** The directory `enrollAgent` wrote to. */
  dataDir: string;
  log: Logger;
  clock?: Clock;
  /** Uniform random in [0, 1) for reconnect jitter; injected by tests. */
  random?: () => number;
  /** OS integration; chosen from `process.platform` by default. */
  platform?: Platform;
  /** Keep one shell started ahead of time so terminals open instantly (default true). */
  spareShell?: boolean;
  /** Where the integration API's rollout file goes; `<dataDir>/rollout.json` by default. */
  rolloutFile?: string;
  /** Folders files sessions may use (default: the agent user's home). */
  fileRoots?: readonly string[];
  /** The device's VNC server, for desktop sessions (address and optional password). */
  desktop?: VncTarget;
  /** How long the user has to answer a consent question before it counts as "no" (default 30 s). */
  consentTimeoutMs?: number;
  /** Whether a user is at the device (dynamic mode, presence reports); logind by default. */
  userPresence?: UserPresence;
  /** How often presence is checked and, when it changed, reported (default 5 s). */
  presenceCheckMs?: number;
  /**
   * The install folder: upgrades are taken only in one. Default: `TETHER_AGENT_HOME`, which
   * the launcher sets, when it has a `current` link.
   */
  installDir?: string;
  /** After an upgrade is installed (default: stop, then exit so the service starts the new version). */
  onUpgraded?: (agent: AgentHandle) => void;
  /** Removes the agent from the device (default: `uninstallSelf`, loaded only then). */
  uninstall?: (request: SelfUninstallRequest) => Promise<void>;
  /** After it uninstalled itself (default: exit). */
  onUninstalled?: () => void;
  /**
   * A passive agent listens for wake-ups here instead of the port the server says (A-10, default
   * 5832); 0 picks a free port. The agent tells the server the port it bound.
   */
  passivePort?: number;
  /** The interfaces and gateway reported at each connection; read from the OS by default. */
  network?: () => DeviceNetwork;
  /**
   * Ask the user before every session, whatever the assistance mode (the one-time agent of an
   * ad-hoc session, A-14: the user at the machine started it and decides).
   */
  isConsentAlways?: boolean;
  /** More places that show consent questions (the one-time agent's terminal). */
  consentFrontends?: readonly ConsentFrontend[];
}

/** A running agent. */
export interface AgentHandle {
  /** Ends every session, closes the control channel and stops reconnecting. */
  stop(): Promise<void>;
  readonly deviceId: string;
  /** Called with `true` each time the server authenticates the agent, `false` when that connection ends. */
  onConnectionChange(listener: (isConnected: boolean) => void): void;
  /** How many sessions are offered (waiting for consent), starting or running now. */
  activeSessions(): number;
}
