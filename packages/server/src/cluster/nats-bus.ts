import type { NatsConnection } from 'nats';
import type { Logger } from '../logging.js';
import type { ClusterBus } from './cluster.js';

/** Every node answers requests in one queue group: NATS hands each request to one of them. */
const RESPONDERS = 'tether-nodes';
/** Reconnect delays grow from this to {@link MAX_DELAY_MS}, plus up to half again of jitter. */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/** The cluster bus over NATS, and word of its reconnections. */
export interface NatsBus extends ClusterBus {
  /** Calls `listener` after each reconnection (subscriptions are back by then); returns the stop function. */
  onReconnected(listener: () => void): () => void;
}

/**
 * Connects to NATS (the `nats` client is loaded here, at first use: a single node never pays
 * for it) and returns the cluster bus over it. The first connection must succeed (a clear
 * error otherwise); after that the client reconnects forever, with a growing delay and
 * jitter, and logs each change. Messages published while disconnected are buffered by the
 * client and sent on reconnection.
 */
export async function connectNatsBus(options: {
  servers: string;
  nodeId: string;
  log: Logger;
}): Promise<NatsBus> {
  const loaded = await import('nats');
  // The client is CommonJS: in the bundle its exports arrive as the default export only.
  const nats = (loaded as unknown as { default?: typeof loaded }).default ?? loaded;
  const { connect, Events, JSONCodec } = nats;
  const codec = JSONCodec();
  let attempts = 0;
  let connection: NatsConnection;
  try {
    connection = await connect({
      servers: options.servers.split(',').map((server) => server.trim()),
      name: options.nodeId,
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => {
        const delay = Math.min(FIRST_DELAY_MS * 2 ** attempts++, MAX_DELAY_MS);
        return delay + Math.random() * (delay / 2);
      },
      pingInterval: 10_000,
    });
  } catch (error) {
    throw new Error(`Cannot reach NATS at ${options.servers}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { log } = options;
  const reconnected = new Set<() => void>();
  log.info({ nats: connection.getServer() }, 'connected to NATS');
  const watch = async (): Promise<void> => {
    for await (const status of connection.status()) {
      if (status.type === Events.Disconnect)
        log.warn({ nats: status.data }, 'NATS connection lost');
      if (status.type === Events.Reconnect) {
        attempts = 0;
        log.info({ nats: status.data }, 'NATS connection restored');
        for (const listener of [...reconnected]) listener();
      }
    }
  };
  watch().catch((error: unknown) => log.warn({ err: error }, 'NATS status watch ended'));
  const decode = (data: Uint8Array): unknown => (data.length === 0 ? null : codec.decode(data));
  const encode = (message: unknown): Uint8Array => codec.encode(message ?? null);
  return {
    onReconnected(listener) {
      reconnected.add(listener);
      return () => reconnected.delete(listener);
    },
    publish(subject, message) {
      try {
        connection.publish(subject, encode(message));
      } catch (error) {
        log.warn({ subject, err: error }, 'a cluster message could not be published');
      }
    },
    subscribe(subject, handler) {
      const subscription = connection.subscribe(subject, {
        callback: (error, message) => {
          if (error) return log.warn({ subject, err: error }, 'cluster subscription failed');
          let value: unknown;
          try {
            value = decode(message.data);
          } catch {
            return log.warn({ subject }, 'a cluster message is not JSON; dropped');
          }
          handler(value, message.subject);
        },
      });
      return () => subscription.unsubscribe();
    },
    async request(subject, message, timeoutMs) {
      const answer = await connection.request(subject, encode(message), { timeout: timeoutMs });
      return decode(answer.data);
    },
    respond(subject, handler) {
      const subscription = connection.subscribe(subject, {
        queue: RESPONDERS,
        callback: (error, message) => {
          if (error) return log.warn({ subject, err: error }, 'cluster responder failed');
          const answer = async (): Promise<void> => {
            message.respond(encode(await handler(decode(message.data))));
          };
          // On failure the requester times out: an answer it cannot tell from a real one is worse.
          answer().catch((failure: unknown) =>
            log.warn({ subject, err: failure }, 'a cluster request could not be answered'),
          );
        },
      });
      return () => subscription.unsubscribe();
    },
    async close() {
      if (connection.isClosed()) return;
      await connection.drain().catch(() => connection.close());
    },
  };
}
