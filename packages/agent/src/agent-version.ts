import { TETHER_VERSION } from '@tether/protocol/agent';

/**
 * Set by the package build (esbuild `define`) to the version it ships; tests make a real second
 * build by giving it another value. Absent when running from sources: the protocol's version.
 */
declare const __TETHER_AGENT_VERSION__: string | undefined;

/** The version this agent reports and upgrades from. */
export const AGENT_VERSION: string =
  typeof __TETHER_AGENT_VERSION__ === 'string' ? __TETHER_AGENT_VERSION__ : TETHER_VERSION;
