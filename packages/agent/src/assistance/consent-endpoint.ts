import { chmod, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import {
  AppError,
  ConsentIpcRequest,
  type ConsentIpcReply,
  type ConsentIpcRequest as Request,
} from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import type { ConsentBroker } from './consent-broker.js';
import type { UnattendedService } from './unattended-service.js';

/** Longest request line accepted (requests are tiny). */
const MAX_LINE_BYTES = 4096;

/** A session the user at the device can see and end. */
export interface VisibleSession {
  id: string;
  kind: 'terminal' | 'desktop' | 'files';
  technician: string;
  startedAt: number;
}

/** The running endpoint. */
export interface ConsentEndpoint {
  close(): Promise<void>;
}

/**
 * The local socket behind `tether agent prompts list|accept|deny` and `tether agent sessions
 * end` (M-1), for terminal-only machines and tests. Only the agent's user can connect: the socket
 * is made 0600 in the agent's private data directory. One JSON request line, one reply line.
 *
 * @example
 * const endpoint = await startConsentEndpoint({ socketPath, consent, sessions, endSession, log });
 */
export async function startConsentEndpoint(options: {
  socketPath: string;
  consent: ConsentBroker;
  sessions: () => VisibleSession[];
  endSession: (id: string) => boolean;
  unattended: UnattendedService;
  /** The user turned unattended access off here: the server is to hear of it. */
  onUnattendedOff: () => void;
  log: Logger;
}): Promise<ConsentEndpoint> {
  const { log } = options;
  const handle = (request: Request): ConsentIpcReply => {
    const ok = (): ConsentIpcReply => ({
      ok: true,
      prompts: options.consent.list(),
      sessions: options.sessions(),
      unattended: options.unattended.list(),
    });
    if (request.op === 'list') return ok();
    if (request.op === 'unattended-off') {
      const turnedOff = options.unattended.turnOffHere(request.accessId);
      if (!turnedOff) return notFound(`unattended access ${request.accessId ?? ''}`);
      if (turnedOff.length > 0) options.onUnattendedOff();
      return ok();
    }
    const found =
      request.op === 'end'
        ? options.endSession(request.id)
        : options.consent.answer(request.id, request.op === 'accept');
    if (found) {
      log.info({ sessionId: request.id, op: request.op }, 'answered by the user at the device');
      return ok();
    }
    return notFound(
      `${request.op === 'end' ? 'running session' : 'waiting request'} ${request.id}`,
    );
  };
  const serve = (socket: Socket): void => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', (error) => log.debug({ err: error }, 'consent socket client error'));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE_BYTES) {
        socket.destroy();
        return;
      }
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      const parsed = ConsentIpcRequest.safeParse(parseJson(buffer.slice(0, end)));
      const reply: ConsentIpcReply = parsed.success
        ? handle(parsed.data)
        : {
            ok: false,
            error: { code: 'INVALID_INPUT', message: 'Unreadable request; use the tether CLI.' },
          };
      socket.end(`${JSON.stringify(reply)}\n`);
    });
  };
  await rm(options.socketPath, { force: true });
  const server: Server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  await chmod(options.socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

function notFound(what: string): ConsentIpcReply {
  return {
    ok: false,
    error: new AppError(
      'NOT_FOUND',
      `There is no ${what}; run \`tether agent prompts list\` to see what there is.`,
    ).toBody(),
  };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // Not JSON: the schema check below reports it as unreadable.
    return undefined;
  }
}
