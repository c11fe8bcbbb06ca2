import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './cli.js';
import { acceptsConnections, freePort } from './server-process.js';

const HAPROXY = '/usr/sbin/haproxy';
const run = promisify(execFile);

/** A private HAProxy (Debian's) terminating TLS in front of a Tether server (S-11). */
export interface ReverseProxy {
  /** `https://localhost:<port>`: what browsers and agents use. */
  url: string;
  /** The proxy's own certificate (PEM), to trust it in clients; not the server's. */
  cert: string;
  stop(): Promise<void>;
}

/** A throw-away self-signed certificate for localhost / 127.0.0.1, made with openssl. */
async function proxyCertificate(dir: string): Promise<{ cert: string; bundle: string }> {
  const certFile = join(dir, 'proxy.crt');
  const keyFile = join(dir, 'proxy.key');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Test reverse proxy',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  const cert = await readFile(certFile, 'utf8');
  const bundle = join(dir, 'proxy.pem');
  await writeFile(bundle, cert + (await readFile(keyFile, 'utf8')), { mode: 0o600 });
  return { cert, bundle };
}

/**
 * Checks the configuration, runs HAProxy in the foreground and waits until it listens on
 * `port`; returns the stop function (the caller deletes the config's folder).
 */
async function launch(config: string, port: number): Promise<() => Promise<void>> {
  await run(HAPROXY, ['-c', '-q', '-f', config]);
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  await waitFor('HAProxy to listen', async () => {
    if (child.exitCode !== null) throw new Error(`HAProxy exited: ${errors}`);
    return (await acceptsConnections(port)) || undefined;
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return stop;
}

/**
 * Starts HAProxy in the foreground with a generated config in a temp dir: TLS terminated on an
 * ephemeral loopback port with its own certificate, re-encrypted to the Tether server (whose
 * certificate it verifies, as in production), `option forwardfor`, and WebSocket upgrades
 * passed through (HTTP mode does that by itself; `timeout tunnel` keeps them open). It connects
 * to the server from 127.0.0.1.
 *
 * @example
 * const proxy = await startHaproxy({ serverUrl: server.url, serverCert: server.ca });
 * new HttpsClient(proxy.url, proxy.cert);
 */
export async function startHaproxy(options: {
  serverUrl: string;
  serverCert: string;
}): Promise<ReverseProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-haproxy-'));
  const port = await freePort();
  const { cert, bundle } = await proxyCertificate(dir);
  const serverCa = join(dir, 'server-ca.pem');
  await writeFile(serverCa, options.serverCert);
  const server = new URL(options.serverUrl);
  const config = join(dir, 'haproxy.cfg');
  await writeFile(
    config,
    [
      'global',
      '  maxconn 256',
      'defaults',
      '  mode http',
      '  timeout connect 10s',
      '  timeout client 120s',
      '  timeout server 120s',
      '  timeout tunnel 1h',
      '  option forwardfor',
      'frontend tether_public',
      `  bind 127.0.0.1:${port} ssl crt ${bundle} alpn http/1.1`,
      '  http-request set-header X-Forwarded-Proto https',
      '  default_backend tether_server',
      'backend tether_server',
      `  server tether 127.0.0.1:${server.port} ssl verify required ca-file ${serverCa} verifyhost localhost sni str(localhost) source 127.0.0.1`,
      '',
    ].join('\n'),
  );
  const stopProxy = await launch(config, port);
  return {
    url: `https://localhost:${port}`,
    cert,
    async stop() {
      await stopProxy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A private HAProxy in TCP mode spreading connections over several Tether nodes. */
export interface TcpBalancer {
  /** `https://localhost:<port>`: the nodes' own TLS passes through. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Connections one HAProxy process proxies at most: each takes two descriptors (agent side and
 * node side), and a process here may open 20,000 files (a hard limit root cannot raise in this
 * container), so 9,000 leaves room for the listeners, checks and logs.
 */
const CONNECTIONS_PER_PROCESS = 9_000;

/**
 * Starts HAProxy in TCP mode (TLS passes through to the nodes, which share one certificate),
 * round-robin over `backends` (loopback ports), with a TCP health check every 500 ms so a
 * dead node leaves the rotation within about a second. For more than
 * {@link CONNECTIONS_PER_PROCESS} `connections` (default 4,096) it runs several HAProxy
 * processes on the one public port (SO_REUSEPORT, HAProxy's default on Linux: the kernel
 * spreads new connections over them), each with its own private port to tell when it listens.
 *
 * @example
 * const balancer = await startTcpBalancer({ backends: [portA, portB, portC] });
 */
export async function startTcpBalancer(options: {
  backends: number[];
  connections?: number;
}): Promise<TcpBalancer> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-haproxy-tcp-'));
  const port = await freePort();
  const connections = options.connections ?? 4096;
  const processes = Math.ceil(connections / CONNECTIONS_PER_PROCESS);
  const maxconn = Math.ceil(connections / processes);
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(stops.splice(0).map((stopOne) => stopOne()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < processes; index++) {
      const own = processes === 1 ? port : await freePort();
      const config = join(dir, `haproxy-${index + 1}.cfg`);
      await writeFile(
        config,
        tcpBalancerConfig({
          port,
          own,
          maxconn,
          // The machine's cores shared between the processes, not a thread per core each.
          threads: Math.max(1, Math.floor(availableParallelism() / processes)),
          backends: options.backends,
        }),
      );
      stops.push(await launch(config, own));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `https://localhost:${port}`,
    port,
    stop,
  };
}

function tcpBalancerConfig(options: {
  port: number;
  own: number;
  maxconn: number;
  /** Threads of this process: HAProxy's default is one per core, for each process. */
  threads: number;
  backends: number[];
}): string {
  const { port, own } = options;
  return [
    'global',
    `  maxconn ${options.maxconn}`,
    `  nbthread ${options.threads}`,
    'defaults',
    '  mode tcp',
    `  maxconn ${options.maxconn}`,
    '  timeout connect 5s',
    '  timeout client 1h',
    '  timeout server 1h',
    'frontend tether_nodes',
    `  bind 127.0.0.1:${port}`,
    ...(own === port ? [] : [`  bind 127.0.0.1:${own}`]),
    '  default_backend tether_cluster',
    'backend tether_cluster',
    '  balance roundrobin',
    ...options.backends.map(
      (backend, index) =>
        `  server node${index + 1} 127.0.0.1:${backend} check inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions`,
    ),
    '',
  ].join('\n');
}
