/** A private `nats-server` (Debian's) for tests. */
export interface NatsInstance {
    /** `nats://127.0.0.1:<port>`: what `--nats` takes. */
    url: string;
    port: number;
    /** Its recent output, for failure messages. */
    log: () => string;
    /** Stops it as an outage would (SIGKILL); {@link resume} brings it back on the same port. */
    halt(): Promise<void>;
    /** Starts it again on the same port; resolves once it accepts connections. */
    resume(): Promise<void>;
    /** Stops it. Safe to call twice. */
    stop(): Promise<void>;
}
/**
 * Starts `nats-server -a 127.0.0.1 -p <free port>` (no persistence: core NATS only, what the
 * cluster uses) and waits until it accepts connections.
 *
 * @example
 * const nats = await startNats();
 * try { … `--nats ${nats.url}` … } finally { await nats.stop(); }
 */
export declare function startNats(): Promise<NatsInstance>;
