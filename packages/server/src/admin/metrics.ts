/** Prometheus metrics of one server process. */
export interface MetricsRegistry {
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * Default metrics counted by listing every handle, resource or file descriptor of the process:
 * with 15,000 agents connected one scrape listed 60,000 objects and 15,000 directory entries,
 * ~12 % of a node's CPU when scraped every 500 ms during a failover. Read again at most every
 * {@link LISTED_EVERY_MS}; between two readings a scrape repeats the last.
 */
const COUNTED_BY_LISTING = [
  'tether_nodejs_active_handles',
  'tether_nodejs_active_handles_total',
  'tether_nodejs_active_resources',
  'tether_nodejs_active_resources_total',
  'tether_process_open_fds',
];
export const LISTED_EVERY_MS = 10_000;

interface Collected {
  collect?: (() => unknown) | undefined;
}

/** Makes a metric's `collect` run at most every {@link LISTED_EVERY_MS}. */
function throttleCollect(metric: Collected | undefined, now: () => number): void {
  const collect = metric?.collect;
  if (!metric || !collect) return;
  let collectedAt = -Infinity;
  metric.collect = function (this: unknown) {
    if (now() - collectedAt < LISTED_EVERY_MS) return undefined;
    collectedAt = now();
    return collect.call(this);
  };
}

/**
 * The metrics registry, built at the first scrape: prom-client and its collectors cost ~4 MiB of
 * a server's memory, which a server nobody scrapes should not pay (issue 11's memory at start).
 * Counters of the process (CPU, memory) are cumulative anyway; the event-loop and GC figures
 * start at the first scrape.
 */
export function createMetrics(
  sources: {
    devicesOnline(): number;
    sessionsActive(): number;
    /** Agent connections admitted and deferred since the start. */
    agentAdmissions(): { admitted: number; deferred: number };
    /** The cluster's nodes as this node sees them; a single node lists itself. */
    clusterNodes(): Promise<{ id: string; agents: number; isAlive: boolean }[]>;
  },
  options: { now?: () => number } = {},
): MetricsRegistry {
  let registry: Promise<import('prom-client').Registry> | undefined;
  const build = async () => {
    // CommonJS: in the production bundle its exports arrive as the default export only.
    const { Gauge, Registry, collectDefaultMetrics } = (await import('prom-client')).default;
    const created = new Registry();
    collectDefaultMetrics({ register: created, prefix: 'tether_' });
    for (const name of COUNTED_BY_LISTING)
      // prom-client keeps a metric's `collect` on the metric (its types do not say so).
      throttleCollect(
        created.getSingleMetric(name) as Collected | undefined,
        options.now ?? Date.now,
      );
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
    // One read of the node list per scrape, shared by the cluster gauges. When the database
    // cannot be read, the scrape still answers with everything this node knows itself: the
    // cluster gauges are left without samples and `tether_cluster_view_up` says why.
    let nodes: Promise<Awaited<ReturnType<typeof sources.clusterNodes>> | null> | undefined;
    const clusterNodes = () =>
      (nodes ??= sources
        .clusterNodes()
        .catch(() => null)
        .finally(() => (nodes = undefined)));
    new Gauge({
      name: 'tether_cluster_view_up',
      help: "1 when this scrape could read the cluster's node list from the database, 0 when it could not (the cluster gauges are then left out).",
      registers: [created],
      async collect() {
        this.set((await clusterNodes()) === null ? 0 : 1);
      },
    });
    new Gauge({
      name: 'tether_cluster_nodes',
      help: 'Cluster nodes by state: alive (current heartbeat lease) or dead (lease ran out in the last 10 minutes).',
      labelNames: ['state'],
      registers: [created],
      async collect() {
        this.reset();
        const listed = await clusterNodes();
        if (listed === null) return;
        this.set({ state: 'alive' }, listed.filter((node) => node.isAlive).length);
        this.set({ state: 'dead' }, listed.filter((node) => !node.isAlive).length);
      },
    });
    new Gauge({
      name: 'tether_cluster_agents',
      help: 'Agents connected to each live cluster node at its last heartbeat.',
      labelNames: ['node'],
      registers: [created],
      async collect() {
        this.reset();
        for (const node of (await clusterNodes()) ?? []) {
          if (node.isAlive) this.set({ node: node.id }, node.agents);
        }
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
