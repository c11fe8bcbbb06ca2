import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SsoTestResult } from '@tether/protocol';
import type { Clock } from '../clock.js';

/** How long a browser may take at the provider (and a test result is kept). */
export const FLOW_TTL_MS = 10 * 60 * 1000;
/**
 * Starting a flow is public: a flood of starts must not grow memory without bound. Beyond this
 * many pending flows the oldest is forgotten (its browser then starts again).
 */
const MAX_FLOWS = 5000;
const MAX_TEST_RESULTS = 100;

/** A sign-in in progress at a provider, kept here until the browser comes back. */
export interface PendingFlow {
  providerId: string;
  /** `test`: show what the server saw to the administrator who started it; sign nobody in. */
  mode: 'sign-in' | 'test';
  /** The administrator running a test. */
  testedBy?: string;
  /** A test: the admin listener's origin its result is shown on. */
  resultOrigin?: string;
  /** SHA-256 of the browser cookie the flow is bound to (login CSRF). */
  bindingHash: Buffer;
  /** OpenID Connect: PKCE verifier and nonce; SAML: nothing more (node-saml keeps the request ID). */
  codeVerifier?: string;
  nonce?: string;
  createdAt: number;
}

const hashOf = (value: string) => createHash('sha256').update(value).digest();

/**
 * Pending single sign-on flows, keyed by their state (OIDC `state`, SAML `RelayState`), each
 * bound to the browser that started it by a random cookie value; and test results by ID.
 * In memory: a flow is short, and a browser comes back to the node it left from (a cluster
 * needs sticky sessions for these paths, as for the console).
 */
export class SsoFlows {
  private readonly flows = new Map<string, PendingFlow>();
  private readonly results = new Map<
    string,
    { result: SsoTestResult; testedBy: string; at: number }
  >();

  constructor(private readonly clock: Clock) {}

  /** A fresh random value: a state, a browser binding, a test ID. */
  static randomId(): string {
    return randomBytes(24).toString('base64url');
  }

  /** Parks a flow under a new state; returns the state. */
  open(flow: Omit<PendingFlow, 'createdAt' | 'bindingHash'> & { binding: string }): string {
    this.sweep();
    const state = SsoFlows.randomId();
    const { binding, ...rest } = flow;
    this.flows.set(state, { ...rest, bindingHash: hashOf(binding), createdAt: this.now() });
    while (this.flows.size > MAX_FLOWS) {
      const oldest = this.flows.keys().next().value;
      if (oldest === undefined) break;
      this.flows.delete(oldest);
    }
    return state;
  }

  /** Adds what the flow's exchange needs once it is known (the PKCE verifier and nonce). */
  attach(state: string, secrets: Pick<PendingFlow, 'codeVerifier' | 'nonce'>): void {
    const flow = this.flows.get(state);
    if (flow) Object.assign(flow, secrets);
  }

  /**
   * Takes (once) the flow of `state` started by this browser for this provider; undefined when
   * unknown, expired, for another provider or started by another browser.
   */
  take(
    state: string,
    input: { providerId: string; binding: string | undefined },
  ): PendingFlow | undefined {
    this.sweep();
    const flow = this.flows.get(state);
    if (!flow || flow.providerId !== input.providerId || !input.binding) return undefined;
    if (!timingSafeEqual(flow.bindingHash, hashOf(input.binding))) return undefined;
    this.flows.delete(state);
    return flow;
  }

  /** Keeps a test's result for the administrator who ran it; returns its ID. */
  keepResult(result: SsoTestResult, testedBy: string): string {
    this.sweep();
    const id = SsoFlows.randomId();
    this.results.set(id, { result, testedBy, at: this.now() });
    while (this.results.size > MAX_TEST_RESULTS) {
      const oldest = this.results.keys().next().value;
      if (oldest === undefined) break;
      this.results.delete(oldest);
    }
    return id;
  }

  result(id: string, username: string): SsoTestResult | undefined {
    this.sweep();
    const kept = this.results.get(id);
    return kept?.testedBy === username ? kept.result : undefined;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private sweep(): void {
    const cutoff = this.now() - FLOW_TTL_MS;
    // Maps iterate in insertion order, so the expired entries are at the front.
    for (const [state, flow] of this.flows) {
      if (flow.createdAt > cutoff) break;
      this.flows.delete(state);
    }
    for (const [id, kept] of this.results) {
      if (kept.at > cutoff) break;
      this.results.delete(id);
    }
  }
}
