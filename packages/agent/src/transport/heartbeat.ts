import type { WebSocket } from 'ws';
import { repeat, type CancelTimer, type Clock } from '../clock.js';

/**
 * Keeps a control channel alive and notices a dead server: every interval it sends a WebSocket
 * ping, and the protocol heartbeat too unless the server counts the ping as one
 * (`sendHeartbeat` absent; the server records "last seen" either way). A server that has
 * not answered a ping for more than two intervals is dead, even if TCP has not noticed yet
 * (a NAT dropped the flow, the server froze) — `onDead` is called so the caller can terminate
 * and reconnect.
 *
 * @example
 * const stop = startHeartbeat(socket, { clock, intervalMs: 30_000, sendHeartbeat, onDead: () => socket.terminate() });
 */
export function startHeartbeat(
  socket: WebSocket,
  options: { clock: Clock; intervalMs: number; sendHeartbeat?: () => void; onDead: () => void },
): CancelTimer {
  const { clock, intervalMs } = options;
  let lastPongAt = clock.now().getTime();
  const onPong = (): void => {
    lastPongAt = clock.now().getTime();
  };
  socket.on('pong', onPong);
  const cancel = repeat(
    clock,
    () => {
      if (clock.now().getTime() - lastPongAt > 2 * intervalMs) {
        options.onDead();
        return;
      }
      options.sendHeartbeat?.();
      socket.ping();
    },
    intervalMs,
  );
  return () => {
    cancel();
    socket.off('pong', onPong);
  };
}
