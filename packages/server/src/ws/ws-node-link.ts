import { WebSocket, type RawData } from 'ws';
import { LinkControl, type NodeLink } from '../relay/remote-peer.js';

/** How often each side of a direct link checks the other still answers. */
const PING_INTERVAL_MS = 10_000;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * A {@link NodeLink} over a direct node-to-node WebSocket: binary messages are the session's
 * frames, text messages the controls (JSON). The socket is never paused: credit bounds what
 * either side may send. Closing without a close control (the other node died) is a break, and
 * so is a node that stops answering pings.
 */
export function wsNodeLink(socket: WebSocket): NodeLink {
  let onData = (_data: Uint8Array): void => undefined;
  let onControl = (_control: LinkControl): void => undefined;
  let onBroken = (): void => undefined;
  let isEnded = false;
  socket.on('message', (data, isBinary) => {
    if (isEnded) return;
    if (isBinary) {
      onData(toBuffer(data));
      return;
    }
    let parsed: ReturnType<typeof LinkControl.safeParse> | undefined;
    try {
      parsed = LinkControl.safeParse(JSON.parse(toBuffer(data).toString('utf8')));
    } catch {
      parsed = undefined;
    }
    if (parsed?.success) onControl(parsed.data);
    else socket.terminate();
  });
  // A node that vanishes without a TCP reset (power loss, partition) is noticed by its
  // missing pong within two intervals.
  let isAnswering = true;
  socket.on('pong', () => (isAnswering = true));
  const watch = setInterval(() => {
    if (!isAnswering) return socket.terminate();
    isAnswering = false;
    // A link still connecting has nothing to ping yet (`ws` throws): the next round checks it.
    if (socket.readyState === WebSocket.OPEN) socket.ping();
  }, PING_INTERVAL_MS);
  watch.unref();
  socket.on('close', () => {
    clearInterval(watch);
    if (!isEnded) onBroken();
  });
  const isOpen = (): boolean => socket.readyState === WebSocket.OPEN;
  return {
    sendData: (data) => isOpen() && socket.send(data, { binary: true }),
    sendControl: (control) => isOpen() && socket.send(JSON.stringify(control)),
    onData: (listener) => void (onData = listener),
    onControl: (listener) => void (onControl = listener),
    onBroken: (listener) => void (onBroken = listener),
    end() {
      if (isEnded) return;
      isEnded = true;
      // After the close control: its frame is queued before this close frame.
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
        socket.close(1000);
    },
  };
}
