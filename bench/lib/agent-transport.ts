/**
 * The agent's transport internals the benchmark drives directly. `@tether/agent` exports only
 * `enrollAgent`/`runAgent`, whose session registry would start a real shell for an offer; the
 * relay throughput scenario needs the real control channel and relay client but an echo in
 * place of the shell, so it reaches into the agent's source here, in this one file.
 */
export { openControlConnection } from '../../packages/agent/src/transport/control-connection.js';
export { connectRelay, relayUrl } from '../../packages/agent/src/transport/relay-client.js';
export { readAgentState } from '../../packages/agent/src/identity/agent-state.js';
