import { createSystemClock, type Clock } from '@tether/protocol';

// The server's clock is the one the agent uses too (protocol/src/clock).
export { repeat, type CancelTimer, type Clock } from '@tether/protocol';

/**
 * The server's real clock. Its timers do not hold the process open: the listeners do, and a
 * timer a stopped server forgot must not keep its process (or a test run) alive.
 */
export const systemClock: Clock = createSystemClock({ keepsProcessAlive: false });
