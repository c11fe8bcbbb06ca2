export { createSystemClock, repeat, systemClock, type CancelTimer, type Clock } from './clock.js';
export { TestClock } from './test-clock.js';
