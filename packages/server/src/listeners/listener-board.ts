import type {
  ListenerName,
  ListenerState,
  ListenerStatus,
  PortSettings,
  PortsStatus,
} from '@tether/protocol';
import type { ListenOutcome } from '../app/listen.js';
import type { ListenerPlan } from './port-settings.js';

/** What each listener serves, as the admin console's status page names it. */
const LISTENER_PURPOSES: Record<ListenerName, string> = {
  https: 'console and agents',
  http: 'redirect to HTTPS',
  admin: 'admin console',
};

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

  /** The port a listener is bound to; undefined when it is off or could not bind. */
  portOf(name: ListenerName): number | undefined {
    const state = this.#states.get(name);
    return state?.status === 'bound' ? state.port : undefined;
  }

  /** What the status page lists: each listener that is on (the ports page has the detail). */
  summary(): ListenerStatus[] {
    return this.states()
      .filter((state) => state.status !== 'off')
      .map((state) => ({
        purpose: LISTENER_PURPOSES[state.name],
        host: state.host,
        port: state.port ?? state.requested ?? 0,
        isBound: state.status === 'bound',
      }));
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
