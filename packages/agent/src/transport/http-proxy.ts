import { Agent, type AgentOptions } from 'node:https';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';

/** Longest proxy answer head accepted before the tunnel is given up. */
const MAX_HEAD_BYTES = 16 * 1024;

/**
 * The HTTP proxy to reach `target` through (M-6), from `HTTPS_PROXY` / `https_proxy`
 * (`ALL_PROXY` as a fallback), unless `NO_PROXY` names the host: `*`, a host, or a domain
 * suffix (`.example.com` or `example.com`), optionally with `:port`.
 *
 * @example
 * proxyFor(new URL('wss://tether.example:8443'), { HTTPS_PROXY: 'http://proxy:3128' })
 */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const raw = env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy;
  if (!raw) return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || '443';
  const skip = (env.NO_PROXY ?? env.no_proxy ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name = '', entryPort] = entry.split(/:(?=\d+$)/);
      if (entryPort && entryPort !== port) return false;
      const suffix = name.replace(/^\*?\./, '');
      return host === suffix || host.endsWith(`.${suffix}`);
    });
  if (skip) return undefined;
  const proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  if (proxy.protocol !== 'http:') {
    throw new Error(
      `Only http:// proxies are supported (HTTPS_PROXY is ${proxy.protocol}//…); the tunnel to the server is TLS end to end.`,
    );
  }
  return proxy;
}

/**
 * An https agent that reaches the server through an HTTP proxy with `CONNECT` (M-6). TLS runs
 * inside the tunnel, end to end with the server: the proxy sees only ciphertext, and the
 * agent's pinned-key check works as without a proxy. Basic proxy credentials come from the
 * proxy URL.
 *
 * @example
 * new WebSocket(url, { agent: tunnelAgent(proxy), rejectUnauthorized: false });
 */
export function tunnelAgent(proxy: URL): Agent {
  return new TunnelAgent(proxy, { keepAlive: false });
}

class TunnelAgent extends Agent {
  constructor(
    private readonly proxy: URL,
    options: AgentOptions,
  ) {
    super(options);
  }

  // Node's Agent calls createConnection(options, callback) and, when it returns nothing, waits
  // for the callback: the tunnel is set up asynchronously.
  override createConnection(
    options: { host?: string | null; port?: number | string | null; servername?: string } & Record<
      string,
      unknown
    >,
    callback: (error: Error | null, socket?: Duplex) => void,
  ): undefined {
    const host = options.host ?? 'localhost';
    const port = Number(options.port ?? 443);
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const proxySocket = connectTcp(Number(this.proxy.port || 80), this.proxy.hostname);
    const fail = (error: Error): void => {
      proxySocket.destroy();
      callback(error);
    };
    proxySocket.once('error', (error) =>
      fail(new Error(`Cannot reach the proxy at ${this.proxy.host} (${error.message}).`)),
    );
    proxySocket.once('connect', () => {
      const auth = this.proxy.username
        ? `Proxy-Authorization: Basic ${Buffer.from(
            `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`,
          ).toString('base64')}\r\n`
        : '';
      proxySocket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
    });
    readHead(proxySocket).then(
      ({ statusLine, rest }) => {
        if (!/^HTTP\/1\.[01] 2\d\d/.test(statusLine)) {
          fail(
            new Error(
              `The proxy at ${this.proxy.host} refused the tunnel to ${authority} (${statusLine}). Ask your network administrator to allow CONNECT to the Tether server.`,
            ),
          );
          return;
        }
        proxySocket.removeAllListeners('error');
        if (rest.length > 0) proxySocket.unshift(rest);
        // With `socket` given, TLS runs over the tunnel; host and port only name the server.
        const tlsSocket = connectTls({
          ...(options as ConnectionOptions),
          host,
          port,
          socket: proxySocket,
          servername: options.servername ?? (isIP(host) ? '' : host),
        });
        callback(null, tlsSocket);
      },
      (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
    );
    return undefined;
  }
}

/** Reads the proxy's answer head; resolves with its status line and any bytes after it. */
function readHead(socket: Socket): Promise<{ statusLine: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES) done(new Error('The proxy sent an oversized answer.'));
        return;
      }
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({
        statusLine: head.subarray(0, head.indexOf('\r\n')).toString('latin1'),
        rest: head.subarray(end + 4),
      });
    };
    const onClose = (): void => done(new Error('The proxy closed the connection.'));
    const done = (error: Error): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      reject(error);
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}
