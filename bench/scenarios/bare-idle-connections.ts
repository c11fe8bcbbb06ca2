import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { Cleanup } from '../lib/cleanup.js';
import { readRssKib } from '../lib/proc-stats.js';
import { median } from '../lib/summary.js';
import { startBarePipe } from './bare-pipe.js';

/** What an idle TLS WebSocket costs a bare `ws` server: the floor under scenario (b). */
export interface BareIdleResult {
  connections: number;
  kibPerConnection: number;
  /** The same after a forced full garbage collection, with the V8 heap part. */
  afterGc: { kibPerConnection: number; heapKibPerConnection: number };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function medianRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < 5; index++) {
    if (index > 0) await sleep(500);
    samples.push(await readRssKib(pid));
  }
  return median(samples);
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // The agent's socket options: no CA check (trust is pinned elsewhere), no compression.
    const socket = new WebSocket(url, { rejectUnauthorized: false, perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Opens `connections` idle WSS connections (each on its own path, so the pipe leaves them
 * unpaired, all at once) to the bare pipe server with the Tether server's certificate, and reports its RSS
 * growth per connection, measured like scenario (b).
 *
 * @example
 * const floor = await measureBareIdleConnections(cleanup, { keysDir, connections: 2000 });
 */
export async function measureBareIdleConnections(
  cleanup: Cleanup,
  options: { keysDir: string; connections: number },
): Promise<BareIdleResult> {
  const pipe = await startBarePipe({
    certFile: join(options.keysDir, 'tls-self-signed.crt'),
    keyFile: join(options.keysDir, 'tls-self-signed.key'),
    cleanup,
    forcedGc: true,
  });
  const sockets: WebSocket[] = [];
  const perConnection = (before: number, after: number): number =>
    Math.round(((after - before) / options.connections) * 10) / 10;
  /** Heap (KiB) after a forced collection, and RSS (KiB) just after it. */
  const afterGc = async (): Promise<{ heapKib: number; rssKib: number }> => {
    const heapKib = (await pipe.collectGarbage()) / 1024;
    return { heapKib, rssKib: await medianRss(pipe.pid) };
  };
  try {
    await sleep(1000);
    const baseline = await medianRss(pipe.pid);
    const baselineGc = await afterGc();
    const wsUrl = pipe.url.replace(/^https:/, 'wss:');
    // All at once, like the fleet's cold start: the transient memory of concurrent TLS
    // handshakes (and what the allocator keeps of it) is then in both figures alike.
    const opening = Array.from({ length: options.connections }, (_, index) =>
      connect(`${wsUrl}/idle/${index}`),
    );
    sockets.push(...(await Promise.all(opening)));
    await sleep(3000);
    const loaded = await medianRss(pipe.pid);
    const loadedGc = await afterGc();
    return {
      connections: options.connections,
      kibPerConnection: perConnection(baseline, loaded),
      afterGc: {
        kibPerConnection: perConnection(baselineGc.rssKib, loadedGc.rssKib),
        heapKibPerConnection: perConnection(baselineGc.heapKib, loadedGc.heapKib),
      },
    };
  } finally {
    for (const socket of sockets) socket.terminate();
    await pipe.stop();
  }
}
