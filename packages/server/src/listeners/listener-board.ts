import type { ListenerName, ListenerState, PortSettings, PortsStatus } from '@tether/protocol';
import type { ListenOutcome } from '../app/listen.js';
import type { ListenerPlan } from './port-settings.js';

/**
 * Each listener's plan and what binding it gave, kept for the admin console's ports page
 * (S-4): a port that could not be bound is shown there with its reason, not only logged.
 */
export class ListenerBoard {
  readonly #states: Map<ListenerName, ListenerState>;

  constructor(
    plans: Record<ListenerName, ListenerPlan>,
    readonly pinned: readonly ListenerName[],
  ) {
    this.#states = new Map(
      Object.values(plans).map((plan) => [plan.name, { ...plan, status: 'off' as const }]),
    );
  }

  record(name: ListenerName, outcome: ListenOutcome): void {
    const state = this.#states.get(name);
    if (!state) return;
    const { host, requested, source } = state;
    this.#states.set(
      name,
      outcome.status === 'bound'
        ? { name, host, requested, source, status: 'bound', port: outcome.port }
        : { name, host, requested, source, ...outcome },
    );
  }

  states(): ListenerState[] {
    return [...this.#states.values()];
  }

  /** The ports page: states, saved ports, and whether those differ from the ports in use. */
  status(saved: PortSettings | null): PortsStatus {
    const restartRequired =
      saved !== null &&
      this.states().some(
        (state) => !this.pinned.includes(state.name) && saved[state.name] !== state.requested,
      );
    return { listeners: this.states(), saved, pinned: [...this.pinned], restartRequired };
  }
}
