/** Prometheus metrics of one server process. */
export interface MetricsRegistry {
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * The metrics registry, built at the first scrape: prom-client and its collectors cost ~4 MiB of
 * a server's memory, which a server nobody scrapes should not pay (issue 11's memory at start).
 * Counters of the process (CPU, memory) are cumulative anyway; the event-loop and GC figures
 * start at the first scrape.
 */
export function createMetrics(sources: {
  devicesOnline(): number;
  sessionsActive(): number;
  /** Agent connections admitted and deferred since the start. */
  agentAdmissions(): { admitted: number; deferred: number };
}): MetricsRegistry {
  let registry: Promise<import('prom-client').Registry> | undefined;
  const build = async () => {
    const { Gauge, Registry, collectDefaultMetrics } = await import('prom-client');
    const created = new Registry();
    collectDefaultMetrics({ register: created, prefix: 'tether_' });
    new Gauge({
      name: 'tether_devices_online',
      help: 'Agents with an authenticated control channel to this node.',
      registers: [created],
      collect() {
        this.set(sources.devicesOnline());
      },
    });
    new Gauge({
      name: 'tether_sessions_active',
      help: 'Sessions this node is relaying or waiting to relay.',
      registers: [created],
      collect() {
        this.set(sources.sessionsActive());
      },
    });
    new Gauge({
      name: 'tether_agent_connections',
      help: 'Agent control connections since the start, by admission decision (admitted, or deferred: told to come back later).',
      labelNames: ['decision'],
      registers: [created],
      collect() {
        const { admitted, deferred } = sources.agentAdmissions();
        this.set({ decision: 'admitted' }, admitted);
        this.set({ decision: 'deferred' }, deferred);
      },
    });
    return created;
  };
  return {
    async render() {
      registry ??= build();
      const ready = await registry;
      return { contentType: ready.contentType, body: await ready.metrics() };
    },
  };
}
