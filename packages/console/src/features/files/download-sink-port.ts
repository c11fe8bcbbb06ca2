/**
 * Where a download's bytes go in the browser. With the download service worker (see
 * download-worker.ts) they stream to disk as a normal browser download, so a download of any
 * size takes a few chunks of memory. Without it (no service worker support, or a certificate
 * the browser does not trust, which forbids service workers) they go to a file the technician
 * picks (File System Access API) where the browser has it, else they are kept in memory and
 * saved at the end.
 */
export interface DownloadSink {
  /** Resolves once the bytes were handed on; the caller acknowledges them to the device then. */
  write(bytes: Uint8Array): Promise<void>;
  /** All bytes were written: finish the file. */
  close(): void;
  /** Give up: the browser download fails (or nothing is saved). */
  abort(reason: string): void;
  /**
   * `streaming` (a browser download) and `file` (a picked file) write to disk as bytes come;
   * `memory` holds them until the end.
   */
  readonly mode: 'streaming' | 'file' | 'memory';
}
