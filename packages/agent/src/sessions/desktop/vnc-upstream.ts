import { AppError } from '@tether/protocol/agent';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { ByteQueue } from './byte-queue.js';
import { vncAuthResponse } from './des.js';

/** Where the device's VNC server listens, and its password; agent settings. */
export interface VncTarget {
  host: string;
  port: number;
  /** The VNC password; never leaves the device. */
  password?: string;
}

/** A VNC server connection past its security handshake: ClientInit comes next. */
export interface VncConnection {
  socket: Socket;
  /** Bytes the server sent past the handshake (normally none). */
  rest: Buffer;
}

const SECURITY_NONE = 1;
const SECURITY_VNC = 2;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Connects to the local VNC server and does its security handshake (RFB 3.3–3.8: "None", or
 * "VNC authentication" with the configured password), so the technician never needs the
 * password.
 *
 * @example
 * const { socket } = await connectVnc({ host: '127.0.0.1', port: 5900, password }, clock);
 */
export async function connectVnc(target: VncTarget, clock: Clock): Promise<VncConnection> {
  const socket = connect({ host: target.host, port: target.port });
  const queue = new ByteQueue();
  const onData = (data: Buffer): void => queue.push(data);
  socket.on('data', onData);
  socket.on('error', (error) => queue.fail(unreachable(target, error.message)));
  socket.on('close', () => queue.fail(unreachable(target, 'the connection closed')));
  const cancel = clock.setTimer(
    () => queue.fail(unreachable(target, 'the handshake timed out')),
    HANDSHAKE_TIMEOUT_MS,
  );
  try {
    await handshake(socket, queue, target);
  } catch (error) {
    socket.destroy();
    throw error;
  } finally {
    cancel();
  }
  socket.pause(); // the session resumes it once the console is ready for the bytes
  socket.off('data', onData);
  socket.removeAllListeners('error');
  socket.removeAllListeners('close');
  return { socket, rest: queue.takeRest() };
}

async function handshake(socket: Socket, queue: ByteQueue, target: VncTarget): Promise<void> {
  const version = (await queue.read(12)).toString('latin1');
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(version);
  if (!match) throw unreachable(target, 'it does not speak RFB');
  const minor = Number(match[1]) > 3 ? 8 : Math.min(Number(match[2]), 8);
  const speaks = minor >= 8 ? 8 : minor >= 7 ? 7 : 3;
  socket.write(`RFB 003.00${speaks}\n`);
  let type: number;
  if (speaks === 3) {
    type = await queue.readU32();
    if (type === 0) throw await refusal(queue, target);
  } else {
    const count = (await queue.read(1))[0] ?? 0;
    if (count === 0) throw await refusal(queue, target);
    const offered = [...(await queue.read(count))];
    type = pickSecurity(offered, target);
    socket.write(Buffer.from([type]));
  }
  if (type === SECURITY_VNC) {
    const challenge = await queue.read(16);
    socket.write(vncAuthResponse(target.password ?? '', challenge));
    challenge.set(randomBytes(16)); // the challenge is of no further use
  } else if (type !== SECURITY_NONE) {
    throw unreachable(target, `it asks for an unsupported security type ${type}`);
  }
  if (type === SECURITY_NONE && speaks < 8) return;
  if ((await queue.readU32()) !== 0) {
    if (speaks >= 8) await refusal(queue, target).catch(() => undefined);
    throw new AppError(
      'FORBIDDEN',
      `The device's VNC server at ${target.host}:${target.port} refused the password. Set the right one with the agent's --vnc-password-file.`,
    );
  }
}

function pickSecurity(offered: number[], target: VncTarget): number {
  if (target.password !== undefined && offered.includes(SECURITY_VNC)) return SECURITY_VNC;
  if (offered.includes(SECURITY_NONE)) return SECURITY_NONE;
  if (offered.includes(SECURITY_VNC)) {
    throw new AppError(
      'FORBIDDEN',
      `The device's VNC server at ${target.host}:${target.port} needs a password. Give the agent one with --vnc-password-file.`,
    );
  }
  throw unreachable(target, `it offers only security types ${offered.join(', ')}`);
}

async function refusal(queue: ByteQueue, target: VncTarget): Promise<AppError> {
  const length = await queue.readU32();
  const reason = (await queue.read(Math.min(length, 1024))).toString('utf8');
  return unreachable(target, `it refused the connection (${reason})`);
}

function unreachable(target: VncTarget, why: string): AppError {
  return new AppError(
    'UNAVAILABLE',
    `The device's VNC server at ${target.host}:${target.port} is not usable: ${why}. Check that it runs and that the agent's --vnc setting points at it.`,
  );
}
