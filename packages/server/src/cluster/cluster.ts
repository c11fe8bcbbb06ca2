import { randomUUID } from 'node:crypto';

/**
 * Messages between the nodes of a cluster: NATS in cluster mode, in-process otherwise.
 * Messages are JSON values; receivers validate them (zod) like any other input. Subjects are
 * dot-separated (`tether.device.<id>.send`); a subscription receives what is published after
 * it, from every node including its own.
 */
export interface ClusterBus {
  publish(subject: string, message: unknown): void;
  /**
   * Returns the unsubscribe function. A `*` token matches any one token, as on NATS
   * (`tether.device.*.send`); the handler gets the subject the message was published on.
   * Handlers must not throw (failures are theirs to log).
   */
  subscribe(subject: string, handler: (message: unknown, subject: string) => void): () => void;
  /**
   * Sends to one responder and waits for its answer; rejects when nobody answers within
   * `timeoutMs` (NATS request/reply).
   */
  request(subject: string, message: unknown, timeoutMs: number): Promise<unknown>;
  /** Answers requests on a subject; returns the stop function. */
  respond(subject: string, handler: (message: unknown) => Promise<unknown>): () => void;
  close(): Promise<void>;
}

/** A node as the cluster knows it. */
export interface ClusterNode {
  id: string;
  /** Where other nodes reach it directly (its HTTPS listener). */
  url: string;
  version: string;
  startedAt: Date;
  lastHeartbeatAt: Date;
  /** Agents connected to it at its last heartbeat. */
  agents: number;
  /** Its lease is current. */
  isAlive: boolean;
}

/**
 * This node's place in the cluster. A single node (no `--nats`) is a cluster of one with an
 * in-process bus, so every caller has one code path.
 */
export interface Cluster {
  readonly nodeId: string;
  /** Started with `--nats`: other nodes may exist. */
  readonly isClustered: boolean;
  readonly bus: ClusterBus;
  /** The nodes with a current lease (this one included), and recently dead ones. */
  nodes(): Promise<ClusterNode[]>;
  /** Where a live node is reached directly; undefined when it is unknown or dead. */
  nodeUrl(nodeId: string): Promise<string | undefined>;
  /**
   * Calls `listener` each time the bus comes back after an outage (NATS reconnected): what
   * was published meanwhile may be lost, so listeners resynchronise. Returns the stop function.
   * An in-process bus never goes down.
   */
  onReconnected(listener: () => void): () => void;
  close(): Promise<void>;
}

/** A new node's id: stable only for the life of the process (a restart is a new node). */
export function newNodeId(): string {
  return `node-${randomUUID().slice(0, 8)}`;
}

type Handler = (message: unknown, subject: string) => void;
type Responder = (message: unknown) => Promise<unknown>;

/**
 * An in-process bus shared by every node that uses it: the single node's bus, and several
 * nodes in one test process. Delivery is asynchronous (a microtask later), as on NATS, so no
 * caller relies on a publish being handled before it returns. Messages are copied through JSON
 * so nobody shares objects across nodes.
 */
export class MemoryBusHub {
  private readonly subscribers = new Map<string, Set<Handler>>();
  private readonly responders = new Map<string, Responder[]>();
  private nextResponder = 0;
  /** While true the bus is down (tests of an outage): messages are lost, requests fail. */
  isDown = false;

  bus(): ClusterBus {
    const own = new Set<() => void>();
    const track = (stop: () => void): (() => void) => {
      own.add(stop);
      return () => {
        own.delete(stop);
        stop();
      };
    };
    return {
      publish: (subject, message) => this.publish(subject, message),
      subscribe: (subject, handler) => track(this.subscribe(subject, handler)),
      request: (subject, message, timeoutMs) => this.request(subject, message, timeoutMs),
      respond: (subject, handler) => track(this.respond(subject, handler)),
      close: () => {
        for (const stop of [...own]) stop();
        own.clear();
        return Promise.resolve();
      },
    };
  }

  private publish(subject: string, message: unknown): void {
    if (this.isDown) return;
    const text = JSON.stringify(message ?? null);
    for (const [pattern, handlers] of this.subscribers) {
      if (!subjectMatches(pattern, subject)) continue;
      for (const handler of [...handlers]) {
        queueMicrotask(() => handler(JSON.parse(text), subject));
      }
    }
  }

  private subscribe(subject: string, handler: Handler): () => void {
    const handlers = this.subscribers.get(subject) ?? new Set<Handler>();
    this.subscribers.set(subject, handlers);
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0) this.subscribers.delete(subject);
    };
  }

  private respond(subject: string, handler: Responder): () => void {
    this.responders.set(subject, [...(this.responders.get(subject) ?? []), handler]);
    return () => {
      const left = (this.responders.get(subject) ?? []).filter((each) => each !== handler);
      if (left.length === 0) this.responders.delete(subject);
      else this.responders.set(subject, left);
    };
  }

  private async request(subject: string, message: unknown, timeoutMs: number): Promise<unknown> {
    if (this.isDown) throw new Error(`The bus is down: no answer on ${subject}.`);
    const candidates = this.responders.get(subject) ?? [];
    // Like a NATS queue group: one responder, taken in turn.
    const handler = candidates[this.nextResponder++ % Math.max(candidates.length, 1)];
    if (!handler) throw new Error(`No node answers on ${subject}.`);
    const answer = handler(JSON.parse(JSON.stringify(message ?? null)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`No answer on ${subject} within ${timeoutMs} ms.`)),
        timeoutMs,
      );
    });
    try {
      const reply = await Promise.race([answer, timeout]);
      return JSON.parse(JSON.stringify(reply ?? null));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Whether `subject` is one `pattern` names: its tokens equal, a `*` token matching any one. */
function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  if (!pattern.includes('*')) return false;
  const wanted = pattern.split('.');
  const tokens = subject.split('.');
  return (
    wanted.length === tokens.length &&
    wanted.every((token, index) => token === '*' || token === tokens[index])
  );
}

/** The cluster of one a server without `--nats` runs as. */
export function singleNode(options: {
  url: () => string;
  version: string;
  now: () => Date;
  /** Agents connected to it now (the node list's count). */
  agents?: () => number;
}): Cluster {
  const nodeId = newNodeId();
  const startedAt = options.now();
  const bus = new MemoryBusHub().bus();
  return {
    nodeId,
    isClustered: false,
    bus,
    nodes: () =>
      Promise.resolve([
        {
          id: nodeId,
          url: options.url(),
          version: options.version,
          startedAt,
          lastHeartbeatAt: options.now(),
          agents: options.agents?.() ?? 0,
          isAlive: true,
        },
      ]),
    nodeUrl: (id) => Promise.resolve(id === nodeId ? options.url() : undefined),
    onReconnected: () => () => undefined,
    close: () => bus.close(),
  };
}
