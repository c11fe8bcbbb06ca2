import { WebSocket, type RawData } from 'ws';
import { closeReason, sendableCloseCode } from '../relay/index.js';
import type { RelayPeer } from '../relay/index.js';

/** Text messages have no place on the relay: every session kind speaks binary frames. */
const UNSUPPORTED_DATA = 1003;

function toBytes(data: RawData): Uint8Array {
  // The default binaryType ('nodebuffer') delivers one Buffer; the other shapes only appear if
  // someone changed binaryType, and are handled rather than cast.
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return new Uint8Array(data);
}

/**
 * Adapts a `ws` socket to the relay's {@link RelayPeer} port. Messages are passed on as the
 * Buffers `ws` produced (no copy). The caller keeps its own `error` listener on the socket;
 * `ws` follows every error with `close`, which is what the relay reacts to.
 *
 * @example
 * relayServer.handleUpgrade(request, socket, head, (ws) => sessions.join({ peer: wsRelayPeer(ws), … }));
 */
export function wsRelayPeer(socket: WebSocket): RelayPeer {
  return {
    send(data, onWritten) {
      socket.send(data, { binary: true }, onWritten);
    },
    pause() {
      socket.pause();
    },
    resume() {
      socket.resume();
    },
    close(code, reason) {
      socket.close(sendableCloseCode(code), closeReason(reason));
    },
    onMessage(listener) {
      socket.on('message', (data, isBinary) => {
        if (isBinary) listener(toBytes(data));
        else socket.close(UNSUPPORTED_DATA, 'The relay carries binary messages only.');
      });
    },
    onClose(listener) {
      if (socket.readyState === WebSocket.CLOSED) {
        // Closed before anyone listened: the code is gone, so report an abnormal close.
        queueMicrotask(() => listener(1006, ''));
        return;
      }
      socket.once('close', (code, reason) => listener(code, reason.toString('utf8')));
    },
  };
}
