import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ConsentPrompt } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import type { ConsentFrontend } from './consent-broker.js';

/** The question as the user reads it in a dialog. */
export function consentQuestion(prompt: ConsentPrompt): string {
  const rights = prompt.rights.length > 0 ? prompt.rights.join(', ') : 'nothing';
  return `${prompt.technician} asks to open a ${prompt.kind} session on this computer (may: ${rights}). Allow it?`;
}

/** Dialog programs, in order of preference, and their arguments for a yes/no question. */
const DIALOGS: { program: string; args: (text: string, timeoutSec: number) => string[] }[] = [
  {
    program: 'zenity',
    args: (text, timeoutSec) => [
      '--question',
      '--title=Tether remote support',
      `--text=${text}`,
      '--ok-label=Allow',
      '--cancel-label=Deny',
      `--timeout=${timeoutSec}`,
    ],
  },
  {
    program: 'kdialog',
    args: (text) => [
      '--title',
      'Tether remote support',
      '--yesno',
      text,
      '--yes-label',
      'Allow',
      '--no-label',
      'Deny',
    ],
  },
];

/** The executable `name` on `path` (a PATH value), or undefined. */
export async function findProgram(name: string, path: string): Promise<string | undefined> {
  for (const folder of path.split(delimiter).filter(Boolean)) {
    const candidate = join(folder, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder: try the next one.
    }
  }
  return undefined;
}

/**
 * A consent frontend on the user's graphical session (M-1): zenity or kdialog, whichever is
 * installed, when DISPLAY or WAYLAND_DISPLAY is set. Exit status 0 means "Allow"; anything else
 * 1 (Deny) is "no"; other exits leave the question open. Undefined when there is no graphical session or no program.
 *
 * @example
 * const dialog = await desktopDialogFrontend({ env: process.env, log });
 * const consent = createConsentBroker({ clock, timeoutMs, log, frontends: dialog ? [dialog] : [] });
 */
export async function desktopDialogFrontend(options: {
  env: NodeJS.ProcessEnv;
  log: Logger;
  timeoutMs: number;
}): Promise<ConsentFrontend | undefined> {
  const { env, log } = options;
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  for (const dialog of DIALOGS) {
    const program = await findProgram(dialog.program, env.PATH ?? '');
    if (!program) continue;
    log.info({ program }, 'consent questions also go to a desktop dialog');
    return (prompt, answer) => {
      const timeoutSec = Math.max(1, Math.floor(options.timeoutMs / 1000));
      const child = spawn(program, dialog.args(consentQuestion(prompt), timeoutSec), {
        env,
        stdio: 'ignore',
        timeout: options.timeoutMs,
      });
      child.on('error', (error) => log.warn({ err: error, program }, 'consent dialog failed'));
      child.on('exit', (code) => {
        // 0 Allow, 1 Deny; a timeout (zenity 5) or a broken display leaves the question to the
        // other frontends and the broker's own timeout rather than answering for the user.
        if (code === 0 || code === 1) answer(code === 0);
        else log.warn({ program, code }, 'consent dialog ended without an answer');
      });
    };
  }
  return undefined;
}
