import {
  decodeTerminalFrame,
  encodeTerminalFrame,
  type HandlerMap,
  type SessionOffer,
  type TerminalFrame,
} from '@tether/protocol/agent';
import type { Logger } from '../../logging.js';
import { WebSocket, type RawData } from 'ws';
import type { Clock } from '../../clock.js';
import { rawBytes } from '../../transport/raw-data.js';
import { connectRelay, relayUrl } from '../../transport/relay-client.js';
import type { RunningSession } from '../running-session.js';
import { createOutputBatcher, type OutputBatcher } from './output-batcher.js';
import { resolveShell, type ShellCommand } from './shell.js';
import { startBufferedShell, type BufferedShell } from './buffered-shell.js';
import type { ShellExit } from './shell-process.js';
import type { ShellPool } from './shell-pool.js';

/** Output waits at most this long to be batched with more (VS Code uses 5 ms too). */
const BATCH_DELAY_MS = 5;
const BATCH_MAX_BYTES = 64 * 1024;
/** Above this much unsent data the shell is paused; it resumes once the socket drained. */
const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;
const CLOSE_GRACE_MS = 3000;

/** Options of {@link startTerminalSession}. */
export interface TerminalSessionOptions {
  serverUrl: string;
  /** The certificate fingerprint verified on the control channel that delivered the offer. */
  expectedFingerprint: string;
  log: Logger;
  clock: Clock;
  /** The shell to run; the user's login shell by default. */
  shell?: ShellCommand;
  /** Shells started ahead of time; a session takes one when it is ready. */
  shellPool?: ShellPool;
}

/**
 * Serves a terminal session: joins the relay, starts the user's shell on a pty and bridges the
 * two with the binary terminal frames of the protocol. The shell comes from the pool when one is
 * ready, else it starts while the relay is joined, its first output kept until then; if the
 * relay refuses, the shell is hung up.
 *
 * @example
 * const session = await startTerminalSession(offer, { serverUrl, expectedFingerprint, log, clock });
 * await session.ended;
 */
export async function startTerminalSession(
  offer: SessionOffer,
  options: TerminalSessionOptions,
): Promise<RunningSession> {
  const log = options.log.child({ sessionId: offer.sessionId });
  const relay = connectRelay(relayUrl(options.serverUrl, offer), {
    expectedFingerprint: options.expectedFingerprint,
  });
  const size = { cols: offer.cols ?? 80, rows: offer.rows ?? 24 };
  let started: BufferedShell;
  try {
    started =
      (options.shell ? undefined : options.shellPool?.take(size)) ??
      startBufferedShell(options.shell ?? resolveShell(process.env, process.platform), {
        ...size,
        clock: options.clock,
      });
  } catch (error) {
    void relay.then(
      (socket) => socket.close(1011, 'the device could not start a shell'),
      () => undefined,
    );
    throw error;
  }
  let socket: WebSocket;
  try {
    socket = await relay;
  } catch (error) {
    started.shell.hangUp();
    throw error;
  }
  const { shell } = started;
  log.info({ technician: offer.technician, pid: shell.pty.pid }, 'terminal session started');
  return bridge(socket, started, { sessionId: offer.sessionId, log, clock: options.clock });
}

function bridge(
  socket: WebSocket,
  started: BufferedShell,
  context: { sessionId: string; log: Logger; clock: Clock },
): RunningSession {
  const { shell } = started;
  const { pty } = shell;
  const { log, clock } = context;
  const batcher = createFlowControlledOutput(socket, started, clock);
  const closeRelay = (code: number, reason: string): void => {
    if (socket.readyState === WebSocket.CLOSED) return;
    socket.close(code, reason);
    const cancel = clock.setTimer(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', cancel);
  };
  const refuseFrame = (reason: string): void => {
    log.warn({ reason }, 'closing the terminal session: bad frame from the relay');
    closeRelay(4422, reason);
  };
  const handlers: HandlerMap<TerminalFrame> = {
    data: (frame) => pty.write(Buffer.from(frame.data)),
    resize: (frame) => pty.resize(frame.cols, frame.rows),
    exit: () => refuseFrame('exit frames go from the agent to the console'),
  };
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) return refuseFrame('terminal frames must be binary');
    const frame = decodeTerminalFrame(rawBytes(data));
    if (!frame) return refuseFrame('malformed terminal frame');
    // Total map; TypeScript cannot correlate the key with the handler's parameter.
    (handlers[frame.type] as (frame: TerminalFrame) => void)(frame);
  });
  socket.on('error', (error) => log.warn({ err: error }, `terminal relay error: ${error.message}`));
  const relayClosed = new Promise<void>((resolve) => {
    socket.on('close', (code, reason) => {
      log.info({ code, reason: reason.toString('utf8') }, 'terminal relay closed');
      batcher.dispose();
      shell.hangUp();
      resolve();
    });
  });
  void shell.exited.then((exit) => {
    batcher.flush();
    if (socket.readyState === WebSocket.OPEN) {
      const frame = { type: 'exit' as const, exitCode: exitStatus(exit), reason: exitReason(exit) };
      socket.send(encodeTerminalFrame(frame));
    }
    closeRelay(1000, 'shell exited');
  });
  const ended = Promise.all([relayClosed, shell.exited]).then(() => {
    log.info('terminal session ended');
  });
  return {
    sessionId: context.sessionId,
    ended,
    async stop(reason) {
      closeRelay(1000, reason.slice(0, 120));
      shell.hangUp();
      await ended;
    },
  };
}

/**
 * Pty output → batched DATA frames, with flow control: a slow technician link must not make
 * the agent buffer a runaway program's output, so the pty is paused above the high-water mark
 * and resumed once the socket has drained (the send callback of a frame runs when it has been
 * handed to the kernel).
 */
function createFlowControlledOutput(
  socket: WebSocket,
  started: BufferedShell,
  clock: Clock,
): OutputBatcher {
  const { pty } = started.shell;
  let isPaused = false;
  const onSent = (): void => {
    if (isPaused && socket.bufferedAmount < LOW_WATER_BYTES) {
      isPaused = false;
      pty.resume();
    }
  };
  const batcher = createOutputBatcher({
    clock,
    delayMs: BATCH_DELAY_MS,
    maxBytes: BATCH_MAX_BYTES,
    send: (bytes) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(encodeTerminalFrame({ type: 'data', data: bytes }), onSent);
      if (!isPaused && socket.bufferedAmount > HIGH_WATER_BYTES) {
        isPaused = true;
        pty.pause();
      }
    },
  });
  // Same tick: nothing printed between the release and the subscription is lost.
  batcher.push(started.release());
  pty.onData((text) => batcher.push(Buffer.from(text, 'utf8')));
  return batcher;
}

/** The shell convention: 128 + signal number for a process ended by a signal. */
function exitStatus(exit: ShellExit): number {
  return exit.signal ? 128 + exit.signal : exit.exitCode;
}

function exitReason(exit: ShellExit): string {
  return exit.signal
    ? `The shell was ended by signal ${exit.signal}.`
    : `The shell exited with code ${exit.exitCode}.`;
}
