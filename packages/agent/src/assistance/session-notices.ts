import { spawn } from 'node:child_process';
import type { SessionKind } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import { findProgram } from './desktop-dialog.js';

/** Someone the technician invited into a running session. */
export interface SessionGuestNotice {
  name: string;
  isExternal: boolean;
  hasControl: boolean;
}

/** A session that started or ended on this device, or a guest who joined or left it. */
export interface SessionNotice {
  id: string;
  kind: SessionKind;
  technician: string;
  state: 'started' | 'ended' | 'joined' | 'left';
  /** With `joined` and `left`: who. */
  guest?: SessionGuestNotice;
}

/** Tells the user at the device about a session. */
export type SessionNotifier = (notice: SessionNotice) => void;

/** The text of a notice. @example noticeText(notice) // 'admin opened a terminal session …' */
export function noticeText(notice: SessionNotice): { title: string; body: string } {
  const { guest } = notice;
  if (guest && (notice.state === 'joined' || notice.state === 'left')) {
    const who = guest.isExternal ? `${guest.name} (a guest without an account)` : guest.name;
    if (notice.state === 'left')
      return {
        title: 'Tether remote support: someone left the session',
        body: `${who} left the ${notice.kind} session of ${notice.technician}.`,
      };
    const can = guest.hasControl ? 'can also type and control it' : 'can watch but not control it';
    return {
      title: 'Tether remote support: someone joined the session',
      body: `${notice.technician} invited ${who} into the ${notice.kind} session; they ${can}. To end the session now, run: tether agent sessions end ${notice.id}`,
    };
  }
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
    const urgency = notice.state === 'started' || notice.state === 'joined' ? 'critical' : 'normal';
    const child = spawn(program, ['--app-name=Tether', `--urgency=${urgency}`, title, body], {
      env,
      stdio: 'ignore',
      timeout: 10_000,
    });
    child.on('error', (error) => log.warn({ err: error }, 'session notification failed'));
  };
}
