/** The answer to one agent connection; see {@link AdmissionGate}. */
export type AdmissionDecision = { isAdmitted: true } | { isAdmitted: false; retryAfterMs: number };

/** What the gate did since it was made (the admin console shows it, `/metrics` exports it). */
export interface AdmissionCounts {
  admitted: number;
  deferred: number;
  /** How far ahead of now the queue of deferred agents reaches, in ms (0: no queue). */
  queueMs: number;
}

/** The share of a second's rate that may arrive at once after a quiet spell. */
const BURST_SEC = 0.5;
/** The longest wait the gate asks for; a larger queue is served by asking again then. */
const MAX_WAIT_MS = 600_000;
/** No agent at all for this long (plus two slots): the slots still ahead will not be claimed. */
const QUIET_MS = 2000;

/**
 * Connection admission of agents: at most `agentsPerSec` agent control connections
 * accepted per second, fleet-wide, checked on the upgrade request before any WebSocket, database
 * or signature work. Only agents' control channels pass here: technicians' requests and
 * session relays never do, so a reconnect storm cannot queue them.
 *
 * A token bucket (half a second of the rate as burst) decides. An agent over the rate is not
 * told "later" but given a slot: the deferred agents are spread one every 1/rate seconds after
 * the last one already given, so a fleet of 15,000 reconnecting at once at 1,000/s comes back
 * in the 15 seconds ahead, each about once, instead of retrying blindly and being refused again
 * and again (every refusal still costs the server a TLS handshake). After a quiet spell with
 * no agent at all, slots that were handed out and never used (an agent that went away) are
 * forgotten, so a queue never outlives its storm. The caller passes the time, so an injected
 * clock drives it.
 *
 * @example
 * const gate = new AdmissionGate(50, clock.now().getTime());
 * const decision = gate.admit(clock.now().getTime());
 * if (!decision.isAdmitted) refuse(decision.retryAfterMs);
 */
export class AdmissionGate {
  private tokens: number;
  private last: number;
  private lastRequestAt: number;
  /** Where the queue of deferred agents' slots ends (a time in ms); ≤ now when there is none. */
  private queueEndsAt: number;
  private admitted = 0;
  private deferred = 0;

  constructor(
    private agentsPerSec: number,
    now: number,
  ) {
    this.tokens = this.burst;
    this.last = now;
    this.lastRequestAt = now;
    this.queueEndsAt = now;
  }

  /** A new rate, in force for the next connection; the tokens held carry over (up to the burst). */
  setRate(agentsPerSec: number, now: number): void {
    this.refill(now);
    this.agentsPerSec = agentsPerSec;
    this.tokens = Math.min(this.tokens, this.burst);
  }

  admit(now: number): AdmissionDecision {
    this.refill(now);
    const intervalMs = 1000 / this.agentsPerSec;
    if (now - this.lastRequestAt >= QUIET_MS + 2 * intervalMs)
      this.queueEndsAt = Math.min(this.queueEndsAt, now);
    this.lastRequestAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.admitted += 1;
      return { isAdmitted: true };
    }
    this.deferred += 1;
    // The next free slot after the queue (or after the token now refilling, with no queue).
    const untilToken = (1 - this.tokens) * intervalMs;
    this.queueEndsAt = Math.max(this.queueEndsAt, now + untilToken - intervalMs) + intervalMs;
    return {
      isAdmitted: false,
      retryAfterMs: Math.min(MAX_WAIT_MS, Math.ceil(this.queueEndsAt - now)),
    };
  }

  counts(now: number): AdmissionCounts {
    this.refill(now);
    return {
      admitted: this.admitted,
      deferred: this.deferred,
      queueMs: Math.max(0, Math.ceil(this.queueEndsAt - now)),
    };
  }

  private get burst(): number {
    return Math.max(1, this.agentsPerSec * BURST_SEC);
  }

  private refill(now: number): void {
    const elapsedMs = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.agentsPerSec);
  }
}
