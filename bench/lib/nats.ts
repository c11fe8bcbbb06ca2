import { spawn } from 'node:child_process';
import { connect as connectTcp } from 'node:net';
import type { ClusterBus } from '@tether/server';
import { waitFor } from '../../test/support/cli.js';
import { freePort } from '../../test/support/server-process.js';
import type { Cleanup } from './cleanup.js';

/**
 * A private `nats-server` (Debian package) on a free loopback port, stopped by `cleanup`.
 * Resolves with its URL once it accepts connections.
 */
export async function startNatsServer(cleanup: Cleanup): Promise<string> {
  const port = await freePort();
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  cleanup.defer('nats-server', async () => {
    if (child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  });
  await waitFor(
    'nats-server to listen',
    () => {
      if (child.exitCode !== null) throw new Error(`nats-server exited:\n${output}`);
      return new Promise<boolean | undefined>((resolve) => {
        const socket = connectTcp(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(undefined));
      });
    },
    20_000,
  );
  return `nats://127.0.0.1:${port}`;
}

/**
 * A minimal {@link ClusterBus} over NATS for the benchmark (JSON codec, request/reply, one
 * queue group for responders), the same shape as the server's cluster bus.
 */
export async function natsBus(url: string, name: string): Promise<ClusterBus> {
  const { connect, JSONCodec } = await import('nats');
  const codec = JSONCodec();
  const connection = await connect({ servers: url, name });
  const decode = (data: Uint8Array): unknown => (data.length === 0 ? null : codec.decode(data));
  return {
    publish: (subject, message) => connection.publish(subject, codec.encode(message ?? null)),
    subscribe(subject, handler) {
      const subscription = connection.subscribe(subject, {
        callback: (error, message) => {
          if (!error) handler(decode(message.data), message.subject);
        },
      });
      return () => subscription.unsubscribe();
    },
    async request(subject, message, timeoutMs) {
      const answer = await connection.request(subject, codec.encode(message ?? null), {
        timeout: timeoutMs,
      });
      return decode(answer.data);
    },
    respond(subject, handler) {
      const subscription = connection.subscribe(subject, {
        queue: 'tether-nodes',
        callback: (error, message) => {
          if (error) return;
          void handler(decode(message.data)).then((answer) =>
            message.respond(codec.encode(answer ?? null)),
          );
        },
      });
      return () => subscription.unsubscribe();
    },
    async close() {
      if (!connection.isClosed()) await connection.drain();
    },
  };
}
