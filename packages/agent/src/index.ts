/**
 * The Tether agent: enrolment and the long-running agent. Only `cli` imports this package.
 *
 * @example
 * await enrollAgent({ serverUrl, token, dataDir, log });
 * const agent = await runAgent({ dataDir, log });
 */
export {
  enrollAgent,
  type EnrollAgentOptions,
  type EnrolledDevice,
} from './enrollment/enroll-agent.js';
export { runAgent, type AgentHandle, type RunAgentOptions } from './run-agent.js';
export { startX11vnc, type X11vnc } from './sessions/desktop/x11vnc.js';
export type { VncTarget } from './sessions/desktop/vnc-upstream.js';
export {
  PRESENCE_STATES,
  fileUserPresence,
  fixedUserPresence,
  type UserPresence,
} from './assistance/user-presence.js';
export { systemClock, type Clock, type CancelTimer } from './clock.js';
export {
  CONFIG_FILE,
  IDENTITY_FILE,
  enrolledDevice,
  type AgentConfig,
} from './identity/agent-state.js';
export type { Platform, MemoryUsage } from './platform/platform.js';
export type { Logger, LogMethod } from './logging.js';
export { createLogger } from './logging.js';
export { createOemService, type OemService, type OemServiceOptions } from './oem/oem-service.js';
