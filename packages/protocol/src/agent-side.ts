// What the agent uses of the protocol, as `@tether/protocol/agent`. The production build splits
// the bundle by which entry imports which file: through the whole barrel (index.ts) the agent
// loaded, and ran at start, the schemas of every server API too. Constructing zod schemas is
// most of the agent's memory above bare Node (it grows V8's young generation and makes zod's
// constructors hot enough to start the optimising compiler), so the agent imports only these.
export * from './version.js';
export { AppError, ERROR_CODES } from './app-error.js';
export * from './errors.js';
export * from './log-redaction.js';
export * from './ids.js';
export * from './base64url.js';
export * from './identity/enrollment-token.js';
export * from './identity/proofs.js';
export * from './api/statistics.js';
export * from './api/device-network.js';
export * from './api/enrollment.js';
export * from './agent/inventory.js';
export * from './agent/session-terms.js';
export * from './agent/messages.js';
// What the agent sends: types only. A value export would put the module, which the server uses,
// into the chunks the agent loads (bundle splitting goes by imports, not by what is used).
export type { AgentMessage, AgentUpgradeState } from './agent/agent-messages.js';
// The files session's frames and requests are `@tether/protocol/file-frames`: the agent loads
// that session's code with its first session, and a re-export here would build their schemas
// at every agent's start.
export * from './agent/oem-messages.js';
export * from './agent/consent-ipc.js';
export * from './agent/admission.js';
export * from './agent/maintenance.js';
export * from './agent/wake.js';
export * from './relay/terminal-frames.js';
export * from './oem/index.js';
export * from './clock/index.js';
