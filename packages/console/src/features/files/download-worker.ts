/**
 * The console's download service worker (built to `/download-worker.js`). It turns bytes the
 * page receives from the relay into a browser download that streams to disk: the page hands
 * it a MessagePort for each download, then opens `/download-stream/<id>/<name>` in a hidden
 * frame; this worker answers that request with a stream fed from the port. The stream asks
 * the page for each chunk (`pull`), so at most a few chunks wait here, whatever the disk does.
 *
 * Self-contained on purpose: no imports, so it runs as a classic worker in every browser.
 */

/** Page → worker on the registration (an ExtendableMessageEvent, which keeps us alive). */
type ControlMessage =
  { type: 'download'; id: string; name: string; size?: number } | { type: 'ping' };
/** Page → worker on a download's port. */
type PortMessage =
  { type: 'chunk'; bytes: ArrayBuffer } | { type: 'end' } | { type: 'abort'; reason: string };

interface FetchEventLike extends Event {
  request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface MessageEventLike extends Event {
  data: ControlMessage;
  ports: readonly MessagePort[];
}
interface WorkerScope {
  addEventListener(
    type: 'install' | 'activate',
    listener: (event: Event & { waitUntil(p: Promise<unknown>): void }) => void,
  ): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
}

const worker = self as unknown as WorkerScope;
const PREFIX = '/download-stream/';
/** Chunks queued in the worker before it stops asking the page for more. */
const QUEUED_CHUNKS = 4;

const waiting = new Map<string, { port: MessagePort; name: string; size?: number }>();

worker.addEventListener('install', (event) => event.waitUntil(worker.skipWaiting()));
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener('message', (event) => {
  const message = event.data;
  const port = event.ports[0];
  if (message.type !== 'download' || port === undefined) return;
  waiting.set(message.id, {
    port,
    name: message.name,
    ...(message.size === undefined ? {} : { size: message.size }),
  });
  port.postMessage({ type: 'registered' });
});

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== worker.location.origin || !url.pathname.startsWith(PREFIX)) return;
  const id = url.pathname.slice(PREFIX.length).split('/')[0] ?? '';
  const download = waiting.get(id);
  waiting.delete(id); // one use
  if (download === undefined) {
    event.respondWith(
      new Response('This download is over or was never started; start it again from the console.', {
        status: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      }),
    );
    return;
  }
  event.respondWith(
    new Response(streamFrom(download.port), { headers: downloadHeaders(download) }),
  );
});

function streamFrom(port: MessagePort): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        port.onmessage = (event: MessageEvent<PortMessage>) => {
          const message = event.data;
          if (message.type === 'chunk') controller.enqueue(new Uint8Array(message.bytes));
          else if (message.type === 'end') controller.close();
          else controller.error(new Error(message.reason));
        };
      },
      pull() {
        port.postMessage({ type: 'pull' });
      },
      cancel() {
        port.postMessage({ type: 'cancelled' }); // the user cancelled it in the browser
      },
    },
    new CountQueuingStrategy({ highWaterMark: QUEUED_CHUNKS }),
  );
}

function downloadHeaders(download: { name: string; size?: number }): Record<string, string> {
  const ascii = download.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return {
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(download.name)}`,
    'x-content-type-options': 'nosniff',
    ...(download.size === undefined ? {} : { 'content-length': String(download.size) }),
  };
}
