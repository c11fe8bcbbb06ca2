import type { DownloadSink } from './download-sink-port.js';
import { filePickerSink } from './file-picker-sink.js';

const WORKER_URL = '/download-worker.js';
/** The browser ends idle service workers after 30 s; a message every 10 s keeps ours alive. */
const KEEP_ALIVE_MS = 10_000;

let worker: Promise<ServiceWorker | undefined> | undefined;
let openSinks = 0;
let keepAlive: ReturnType<typeof setInterval> | undefined;

/**
 * Registers the download service worker (once); resolves with it, or undefined when the browser
 * cannot use one here.
 *
 * @example
 * void prepareDownloads(); // when the files page opens, so the first download streams too
 */
export function prepareDownloads(): Promise<ServiceWorker | undefined> {
  worker ??= (async () => {
    if (!('serviceWorker' in navigator)) return undefined;
    try {
      const registration = await navigator.serviceWorker.register(WORKER_URL, { scope: '/' });
      return await activeWorker(registration);
    } catch (error) {
      console.warn('Downloads are kept in memory: no download service worker.', error);
      return undefined;
    }
  })();
  return worker;
}

function activeWorker(registration: ServiceWorkerRegistration): Promise<ServiceWorker> {
  const candidate = registration.installing ?? registration.waiting ?? registration.active;
  if (!candidate) return Promise.reject(new Error('the service worker did not install'));
  if (candidate.state === 'activated') return Promise.resolve(candidate);
  return new Promise((resolve, reject) => {
    candidate.addEventListener('statechange', () => {
      if (candidate.state === 'activated') resolve(candidate);
      if (candidate.state === 'redundant') reject(new Error('the service worker was replaced'));
    });
  });
}

/**
 * Opens the destination of a download named `name` (`size` bytes when known).
 *
 * @example
 * const sink = await openDownloadSink('report.pdf', 1_234_567, { onCancelled });
 * await sink.write(chunk); sink.close();
 */
export async function openDownloadSink(
  name: string,
  size: number | undefined,
  options: { onCancelled: () => void },
): Promise<DownloadSink> {
  const active = await prepareDownloads();
  if (active !== undefined) {
    try {
      return await streamingSink(active, { name, size, onCancelled: options.onCancelled });
    } catch (error) {
      console.warn('The download service worker did not answer.', error);
    }
  }
  return (await filePickerSink(name, options)) ?? memorySink(name);
}

async function streamingSink(
  active: ServiceWorker,
  download: { name: string; size: number | undefined; onCancelled: () => void },
): Promise<DownloadSink> {
  const id = crypto.randomUUID();
  const channel = new MessageChannel();
  const port = channel.port1;
  let credits = 0;
  let wake: (() => void) | undefined;
  const registered = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer in 5 s')), 5000);
    port.onmessage = (event: MessageEvent<{ type: string }>) => {
      if (event.data.type === 'registered') {
        clearTimeout(timer);
        resolve();
      } else if (event.data.type === 'pull') {
        credits += 1;
        wake?.();
      } else if (event.data.type === 'cancelled') download.onCancelled();
    };
  });
  active.postMessage(
    {
      type: 'download',
      id,
      name: download.name,
      ...(download.size === undefined ? {} : { size: download.size }),
    },
    [channel.port2],
  );
  await registered;
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.src = `/download-stream/${id}/${encodeURIComponent(download.name)}`;
  document.body.append(frame);
  holdWorker(active, 1);
  let isOpen = true;
  const end = (message: { type: 'end' } | { type: 'abort'; reason: string }): void => {
    if (!isOpen) return;
    isOpen = false;
    port.postMessage(message);
    holdWorker(active, -1);
    // The download manager owns the response by now; the frame only has to outlive the last chunk.
    setTimeout(() => frame.remove(), 30_000);
  };
  return {
    mode: 'streaming',
    async write(bytes) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits -= 1;
      const copy = bytes.slice(); // its own buffer, transferred without another copy
      port.postMessage({ type: 'chunk', bytes: copy.buffer }, [copy.buffer]);
    },
    close: () => end({ type: 'end' }),
    abort: (reason) => end({ type: 'abort', reason }),
  };
}

function holdWorker(active: ServiceWorker, change: number): void {
  openSinks += change;
  if (openSinks > 0 && keepAlive === undefined)
    keepAlive = setInterval(() => active.postMessage({ type: 'ping' }), KEEP_ALIVE_MS);
  if (openSinks === 0 && keepAlive !== undefined) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

function memorySink(name: string): DownloadSink {
  let parts: Blob[] = [];
  return {
    mode: 'memory',
    write(bytes) {
      parts.push(new Blob([bytes.slice()]));
      return Promise.resolve();
    },
    close() {
      const url = URL.createObjectURL(new Blob(parts));
      parts = [];
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    abort() {
      parts = [];
    },
  };
}
