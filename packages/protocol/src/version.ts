/**
 * Version of the agent ⇄ server wire protocol. The server refuses agents that speak a newer one.
 *
 * @example
 * if (hello.protocolVersion > PROTOCOL_VERSION) refuse();
 */
export const PROTOCOL_VERSION = 1;

/** Version of the Tether software, reported by agents and shown in the console. */
export const TETHER_VERSION = '0.1.0';
