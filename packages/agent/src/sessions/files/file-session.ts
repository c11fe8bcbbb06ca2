import type { SessionOffer } from '@tether/protocol/agent';
import {
  decodeFileFrame,
  encodeFileMessage,
  FileRequest,
  type FileReply,
} from '@tether/protocol/file-frames';
import type { Logger } from '../../logging.js';
import { WebSocket, type RawData } from 'ws';
import type { Clock } from '../../clock.js';
import { rawBytes } from '../../transport/raw-data.js';
import { connectRelay, relayUrl } from '../../transport/relay-client.js';
import type { RunningSession } from '../running-session.js';
import { createFileRequests } from './file-requests.js';
import { createFileRoots, type FileRoots } from './file-roots.js';

const CLOSE_GRACE_MS = 3000;

/** Options of {@link startFileSession}. */
export interface FileSessionOptions {
  serverUrl: string;
  expectedFingerprint: string;
  log: Logger;
  clock: Clock;
  /** The folders the technician may browse, read and write. */
  roots: readonly string[];
}

/**
 * Serves a files session: joins the relay and answers the console's file requests (list, stat,
 * make folder, rename, delete, upload, download) inside the allowed roots.
 *
 * @example
 * const session = await startFileSession(offer, { serverUrl, expectedFingerprint, log, clock, roots: [homedir()] });
 */
export async function startFileSession(
  offer: SessionOffer,
  options: FileSessionOptions,
): Promise<RunningSession> {
  const log = options.log.child({ sessionId: offer.sessionId });
  const roots = await createFileRoots(options.roots);
  const socket = await connectRelay(relayUrl(options.serverUrl, offer), {
    expectedFingerprint: options.expectedFingerprint,
  });
  log.info({ technician: offer.technician, roots: roots.list }, 'files session started');
  return serve(socket, { sessionId: offer.sessionId, roots, log, clock: options.clock });
}

function serve(
  socket: WebSocket,
  context: { sessionId: string; roots: FileRoots; log: Logger; clock: Clock },
): RunningSession {
  const { roots, log, clock } = context;
  const reply = (message: FileReply): void => {
    if (socket.readyState === WebSocket.OPEN) socket.send(encodeFileMessage(message));
  };
  const requests = createFileRequests({
    roots,
    log,
    reply,
    sendData: (frame, onSent) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame, onSent);
    },
  });
  const closeRelay = (code: number, reason: string): void => {
    if (socket.readyState === WebSocket.CLOSED) return;
    socket.close(code, reason);
    const cancel = clock.setTimer(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', cancel);
  };
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) return closeRelay(4422, 'file frames must be binary');
    const frame = decodeFileFrame(rawBytes(data));
    if (!frame) return closeRelay(4422, 'malformed file frame');
    if (frame.type === 'data') return requests.onData(frame.id, frame.offset, frame.data);
    const parsed = FileRequest.safeParse(frame.message);
    if (!parsed.success) return closeRelay(4422, 'malformed file request');
    void requests.handle(parsed.data);
  });
  socket.on('error', (error) => log.warn({ err: error }, `files relay error: ${error.message}`));
  const ended = new Promise<void>((resolve) => {
    socket.on('close', (code, reason) => {
      log.info({ code, reason: reason.toString('utf8') }, 'files relay closed');
      void requests.abortAll().then(() => {
        log.info('files session ended');
        resolve();
      });
    });
  });
  return {
    sessionId: context.sessionId,
    ended,
    async stop(reason) {
      closeRelay(1000, reason.slice(0, 120));
      await ended;
    },
  };
}
