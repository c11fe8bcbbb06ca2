/**
 * The one-time agent of ad-hoc sessions, as `@tether/agent/adhoc`. Only the `support`
 * command imports it, lazily: `agent run` never loads this code.
 *
 * @example
 * const { runOneTimeAgent } = await import('@tether/agent/adhoc');
 */
export { runOneTimeAgent, type OneTimeAgentOptions } from './one-time-agent.js';
export { handToInstalledAgent, type HandOver } from './installed-agent.js';
