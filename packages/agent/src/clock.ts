// The agent's clock is the one the server uses too (protocol/src/clock).
export { repeat, systemClock, type CancelTimer, type Clock } from '@tether/protocol/agent';
