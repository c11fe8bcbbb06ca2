// What agents say they can do, held once per distinct list rather than once per agent.

/** Capabilities of an agent that names none (older than capabilities). */
export const NO_CAPABILITIES: readonly string[] = Object.freeze([]);

/** One shared array per distinct capability list: a fleet has a handful, not one per agent. */
const capabilityLists = new Map<string, readonly string[]>();

/**
 * The agent's capability list (its hello, M-4) as one frozen array shared by every agent that
 * names the same list.
 */
export function internCapabilities(capabilities: readonly string[]): readonly string[] {
  const key = capabilities.join(' ');
  const known = capabilityLists.get(key);
  if (known) return known;
  const list = Object.freeze([...capabilities]);
  if (capabilityLists.size < 64) capabilityLists.set(key, list);
  return list;
}
