import type { DownloadSink } from './download-sink-port.js';

/** The File System Access API's save dialog (Chromium-based browsers); not in TypeScript's DOM types yet. */
type SaveFilePicker = (options: { suggestedName: string }) => Promise<FileSystemFileHandle>;

/**
 * A download written straight to a file the technician picks (File System Access API), for
 * browsers that have it but cannot run the download service worker here (an untrusted
 * certificate forbids service workers, not this API). Each write resolves once the browser
 * took the bytes, so memory stays bounded. Resolves undefined where the API is missing; when
 * the technician closes the dialog, `onCancelled` runs and the bytes are discarded.
 *
 * @example
 * const sink = await filePickerSink('report.pdf', { onCancelled }) ?? memorySink('report.pdf');
 */
export async function filePickerSink(
  name: string,
  options: { onCancelled: () => void },
): Promise<DownloadSink | undefined> {
  const picker = (window as unknown as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  if (picker === undefined) return undefined;
  let handle: FileSystemFileHandle;
  try {
    handle = await picker.call(window, { suggestedName: name });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') {
      options.onCancelled();
      return discardSink();
    }
    // Refused (e.g. no user gesture left): the caller falls back to memory.
    console.warn('The save dialog could not open; the download is kept in memory.', error);
    return undefined;
  }
  const writable = await handle.createWritable();
  return {
    mode: 'file',
    write: (bytes) => writable.write(bytes.slice()),
    close: () => void writable.close(),
    abort: (reason) => void writable.abort(reason),
  };
}

function discardSink(): DownloadSink {
  return {
    mode: 'memory',
    write: () => Promise.resolve(),
    close: () => undefined,
    abort: () => undefined,
  };
}
