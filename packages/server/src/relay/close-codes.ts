/**
 * WebSocket close codes and reasons as they may be *sent*. Some codes only describe what a peer
 * observed (1005 "no status", 1006 "dropped", 1015 "TLS failure") and must never go on the wire;
 * `ws` throws if asked to, so the relay translates them before passing a close on.
 */

/** Largest close reason a close frame can carry (125-byte payload minus the 2-byte code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Turns an observed close code into one that can be sent to the other side: a clean close
 * without status becomes 1000, a dropped or broken connection becomes 1001 ("going away").
 *
 * @example
 * peer.close(sendableCloseCode(1006), 'The device disconnected.'); // sends 1001
 */
export function sendableCloseCode(code: number): number {
  if (code === 1005) return 1000;
  if (code === 1006 || code === 1015) return 1001;
  const isStandard = code >= 1000 && code <= 1014 && code !== 1004;
  const isApplication = code >= 3000 && code <= 4999;
  return isStandard || isApplication ? code : 1001;
}

/**
 * Cuts a close reason to what a close frame can carry without splitting a UTF-8 sequence.
 *
 * @example
 * peer.close(1000, closeReason(longMessage));
 */
export function closeReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.byteLength <= MAX_CLOSE_REASON_BYTES) return reason;
  let end = MAX_CLOSE_REASON_BYTES;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}
