import { spawn } from 'node:child_process';
import type { SessionKind } from '@tether/protocol/agent';
import type { Logger } from 'pino';
import { findProgram } from './desktop-dialog.js';

/** A session that started or ended on this device, as the user at it is told. */
export interface SessionNotice {
  id: string;
  kind: SessionKind;
  technician: string;
  state: 'started' | 'ended';
}

/** Tells the user at the device about a session. */
export type SessionNotifier = (notice: SessionNotice) => void;

/** The text of a notice. @example noticeText(notice) // 'admin opened a terminal session …' */
export function noticeText(notice: SessionNotice): { title: string; body: string } {
  if (notice.state === 'ended') {
    return {
      title: 'Tether remote support: session ended',
      body: `The ${notice.kind} session of ${notice.technician} has ended.`,
    };
  }
  return {
    title: 'Tether remote support: session running',
    body: `${notice.technician} opened a ${notice.kind} session on this computer. To end it now, run: tether agent sessions end ${notice.id}`,
  };
}

/**
 * Desktop notifications of running sessions (M-1: the user sees that a session runs and how to
 * end it), through `notify-send` on the user's graphical session. Undefined without a display
 * or without notify-send; `tether agent sessions list` always shows them.
 *
 * @example
 * const notify = await desktopSessionNotifier({ env: process.env, log });
 */
export async function desktopSessionNotifier(options: {
  env: NodeJS.ProcessEnv;
  log: Logger;
}): Promise<SessionNotifier | undefined> {
  const { env, log } = options;
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  const program = await findProgram('notify-send', env.PATH ?? '');
  if (!program) return undefined;
  return (notice) => {
    const { title, body } = noticeText(notice);
    const urgency = notice.state === 'started' ? 'critical' : 'normal';
    const child = spawn(program, ['--app-name=Tether', `--urgency=${urgency}`, title, body], {
      env,
      stdio: 'ignore',
      timeout: 10_000,
    });
    child.on('error', (error) => log.warn({ err: error }, 'session notification failed'));
  };
}
