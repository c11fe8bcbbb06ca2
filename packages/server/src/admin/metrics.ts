import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server process. */
export interface MetricsRegistry {
  readonly contentType: string;
  render(): Promise<string>;
}

export function createMetrics(sources: {
  devicesOnline(): number;
  sessionsActive(): number;
}): MetricsRegistry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tether_' });
  new Gauge({
    name: 'tether_devices_online',
    help: 'Agents with an authenticated control channel to this node.',
    registers: [registry],
    collect() {
      this.set(sources.devicesOnline());
    },
  });
  new Gauge({
    name: 'tether_sessions_active',
    help: 'Sessions this node is relaying or waiting to relay.',
    registers: [registry],
    collect() {
      this.set(sources.sessionsActive());
    },
  });
  return { contentType: registry.contentType, render: () => registry.metrics() };
}
