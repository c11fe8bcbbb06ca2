import { z } from 'zod';
import { DEFAULT_PASSIVE_PORT, DEFAULT_WAKE_ON_LAN_PORT } from '@tether/protocol';

const WAKE_DEFAULTS = {
  passivePort: DEFAULT_PASSIVE_PORT,
  passiveIdleSec: 300,
  wakeOnLanPort: DEFAULT_WAKE_ON_LAN_PORT,
};

/**
 * Passive agents and Wake-on-LAN. Sent to agents at each connection, so a change
 * applies to each agent when it next connects.
 */
export const WakeConfig = z
  .object({
    /** Where passive agents listen for wake-ups (open it inbound on their firewalls). */
    passivePort: z.int().min(1).max(65535).default(WAKE_DEFAULTS.passivePort),
    /** A passive agent disconnects once no session has run for this long. */
    passiveIdleSec: z.int().min(1).max(86_400).default(WAKE_DEFAULTS.passiveIdleSec),
    /** The UDP port magic packets are sent to (9, or 7 for some old cards). */
    wakeOnLanPort: z.int().min(1).max(65535).default(WAKE_DEFAULTS.wakeOnLanPort),
  })
  .default(WAKE_DEFAULTS);
export type WakeConfig = z.infer<typeof WakeConfig>;
