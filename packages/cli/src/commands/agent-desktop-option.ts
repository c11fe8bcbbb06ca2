import { readFile } from 'node:fs/promises';
import { AppError } from '@tether/protocol/app-error';
import type { Logger, VncTarget } from '@tether/agent';
import { stringOption, type CommandInput } from '../command.js';

/** The agent's desktop setting and what to stop with the agent. */
export interface DesktopSetup {
  options: { desktop?: VncTarget };
  stop(): Promise<void>;
}

/**
 * The `desktop` option of `runAgent` from `--vnc HOST:PORT` and `--vnc-password-file FILE`
 * (the file's first line is the password; it stays on this device), or from
 * `--x11vnc-display :N`, which starts x11vnc on that display with a random password.
 *
 * @example
 * const desktop = await setUpDesktop(input, { log, dataDir });
 * const agent = await runAgent({ dataDir, log, ...desktop.options });
 */
export async function setUpDesktop(
  input: CommandInput,
  context: { log: Logger; dataDir: string },
): Promise<DesktopSetup> {
  const address = stringOption(input, 'vnc');
  const passwordFile = stringOption(input, 'vnc-password-file');
  const display = stringOption(input, 'x11vnc-display');
  const none = (): Promise<void> => Promise.resolve();
  if (display !== undefined) {
    if (address !== undefined || passwordFile !== undefined)
      throw new AppError('INVALID_INPUT', 'Use either --x11vnc-display or --vnc, not both.');
    const { startX11vnc } = await import('@tether/agent');
    const x11vnc = await startX11vnc({ display, log: context.log, stateDir: context.dataDir });
    return { options: { desktop: x11vnc.target }, stop: () => x11vnc.stop() };
  }
  if (address === undefined) {
    if (passwordFile !== undefined)
      throw new AppError('INVALID_INPUT', '--vnc-password-file needs --vnc HOST:PORT as well.');
    return { options: {}, stop: none };
  }
  const target = parseAddress(address);
  if (passwordFile === undefined) return { options: { desktop: target }, stop: none };
  const password = await readPassword(passwordFile);
  return { options: { desktop: { ...target, password } }, stop: none };
}

function parseAddress(address: string): VncTarget {
  const match = /^(.+):(\d{1,5})$/.exec(address);
  const port = Number(match?.[2]);
  if (!match?.[1] || port < 1 || port > 65535) {
    throw new AppError(
      'INVALID_INPUT',
      `--vnc must be HOST:PORT, e.g. 127.0.0.1:5900 (got "${address}").`,
    );
  }
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

async function readPassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `Cannot read the VNC password file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check the path and that this user may read it.`,
    );
  }
}
