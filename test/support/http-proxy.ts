import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './cli.js';
import { freePort } from './server-process.js';

/** A private tinyproxy (a real HTTP proxy) on loopback, for agents behind a proxy (M-6). */
export interface HttpProxy {
  /** `http://127.0.0.1:<port>`, for HTTPS_PROXY. */
  url: string;
  /** The `CONNECT host:port` requests the proxy logged so far. */
  tunnels(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts tinyproxy in the foreground with its own config, log and ephemeral port (or `port`, to
 * bring a stopped proxy back). With `connectPorts` it allows tunnels to those ports only (a
 * proxy that refuses Tether).
 *
 * @example
 * const proxy = await startHttpProxy();
 * await server.startAgent({ env: { HTTPS_PROXY: proxy.url } });
 */
export async function startHttpProxy(
  options: {
    connectPorts?: number[];
    /** Restart a stopped proxy on its port. */ port?: number;
  } = {},
): Promise<HttpProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-proxy-'));
  const port = options.port ?? (await freePort());
  const log = join(dir, 'tinyproxy.log');
  await writeFile(
    join(dir, 'tinyproxy.conf'),
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 600',
      `LogFile "${log}"`,
      'LogLevel Connect',
      `PidFile "${join(dir, 'tinyproxy.pid')}"`,
      'MaxClients 200',
      'Allow 127.0.0.1',
      ...(options.connectPorts ?? []).map((allowed) => `ConnectPort ${allowed}`),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tunnels = async (): Promise<string[]> => {
    const text = await readFile(log, 'utf8').catch(() => '');
    return text
      .split('\n')
      .flatMap((line) => /Request \(.*\): (CONNECT \S+)/.exec(line)?.[1] ?? []);
  };
  await waitFor('tinyproxy to listen', () => canConnect(port));
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}
