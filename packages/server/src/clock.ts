// The server's clock is the one the agent uses too (protocol/src/clock).
export { repeat, systemClock, type CancelTimer, type Clock } from '@tether/protocol';
