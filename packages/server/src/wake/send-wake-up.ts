import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { MAX_WAKE_UP_BYTES, WakeUpReply, wakeUpText } from '@tether/protocol';

/** Long enough for a slow network; short enough that the technician's click gets an answer. */
const WAKE_UP_TIMEOUT_MS = 4000;

/**
 * Sends one signed wake-up to a passive agent at `host:port` and reads its one-line
 * answer. Each call signs a fresh nonce, so the same wake-up sent to two addresses of one
 * agent is not taken for a replay. Rejects with why when nothing (or no agent) answered.
 *
 * @example
 * const reply = await sendWakeUp({ host: '10.0.0.7', port: 5832, deviceId, sign, now });
 */
export function sendWakeUp(options: {
  host: string;
  port: number;
  deviceId: string;
  /** The server key's signature, base64url. */
  sign: (text: string) => string;
  now: Date;
  timeoutMs?: number;
}): Promise<WakeUpReply> {
  const nonce = randomBytes(24).toString('base64url');
  const issuedAt = options.now.getTime();
  const wakeUp = { deviceId: options.deviceId, nonce, issuedAt };
  const line = `${JSON.stringify({ ...wakeUp, signature: options.sign(wakeUpText(wakeUp)) })}\n`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port });
    let received = '';
    socket.setEncoding('utf8');
    socket.setTimeout(options.timeoutMs ?? WAKE_UP_TIMEOUT_MS, () =>
      socket.destroy(new Error('no answer in time')),
    );
    socket.on('connect', () => socket.write(line));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length > MAX_WAKE_UP_BYTES) socket.destroy(new Error('answer too long'));
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const parsed = WakeUpReply.safeParse(safeJson(received.split('\n')[0] ?? ''));
      if (parsed.success) resolve(parsed.data);
      else reject(new Error('no wake-up answer (not a Tether agent?)'));
    });
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON: the caller treats it as no answer
  }
}
