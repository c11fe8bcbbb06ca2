import type { WebSocket } from 'ws';

/**
 * Resolves once a client WebSocket is open; rejects if it fails or closes first.
 *
 * @example
 * const socket = await opened(client.websocket(path));
 */
export function opened(socket: WebSocket, timeoutMs = 15_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('the WebSocket did not open in time'));
    }, timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', (code, reason) =>
      fail(new Error(`closed before opening (${code} ${reason.toString()})`)),
    );
    socket.once('open', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.removeAllListeners('close');
      resolve(socket);
    });
  });
}

/** Closes a socket and waits for the close handshake (or terminates it after `timeoutMs`). */
export function closed(socket: WebSocket, timeoutMs = 5000): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.terminate(), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(1000, 'benchmark done');
  });
}
