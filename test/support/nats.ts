import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './cli.js';
import { acceptsConnections, freePort } from './server-process.js';

const NATS_SERVER = '/usr/sbin/nats-server';
/** Keep the tail of the server's output for failure messages. */
const LOG_TAIL_CHARS = 8_000;

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
export async function startNats(): Promise<NatsInstance> {
  const port = await freePort();
  let output = '';
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-LOG_TAIL_CHARS);
    };
    started.stdout.on('data', keep);
    started.stderr.on('data', keep);
    child = started;
    await waitFor('nats-server to listen', async () => {
      if (started.exitCode !== null) throw new Error(`nats-server exited:\n${output}`);
      return (await acceptsConnections(port)) || undefined;
    });
  };
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    await gone;
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    log: () => output,
    halt: () => kill('SIGKILL'),
    resume: launch,
    stop: () => kill('SIGTERM'),
  };
}
