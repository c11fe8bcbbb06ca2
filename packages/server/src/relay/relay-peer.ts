/**
 * One end of a relayed session, as the relay sees it. The WebSocket transport (`ws/`) adapts
 * its sockets to this port, so the relay's pairing, flow control and recording tap stay free of
 * transport code and are testable with plain objects.
 */
export interface RelayPeer {
  /** Queues a binary message; `onWritten` runs once it has left the process (socket write done). */
  send(data: Uint8Array, onWritten: (error?: Error) => void): void;
  /** Stops reading from this peer (flow control): no `message` events until `resume()`. */
  pause(): void;
  resume(): void;
  /** Closes with a WebSocket close code and a human reason (≤ 123 bytes). */
  close(code: number, reason: string): void;
  onMessage(listener: (data: Uint8Array) => void): void;
  /** Called once, whichever side closed. */
  onClose(listener: (code: number, reason: string) => void): void;
}
