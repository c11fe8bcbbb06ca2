import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AppError } from '@tether/protocol/agent';
import type { Logger } from '../../logging.js';
import type { VncTarget } from './vnc-upstream.js';
import { forgetX11vnc, recordX11vnc, stopStaleX11vnc } from './x11vnc-pidfile.js';

const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3000;

/** An x11vnc the agent started; see {@link startX11vnc}. */
export interface X11vnc {
  /** Where desktop sessions connect (loopback, with a password only the agent knows). */
  target: VncTarget;
  stop(): Promise<void>;
}

/**
 * Starts x11vnc on an X display, listening on a free loopback port with a fresh random
 * password (handed over in a file x11vnc deletes once read), for `--x11vnc-display`.
 *
 * x11vnc must not outlive the agent: it is started with a parent-death signal (util-linux
 * `setpriv --pdeathsig`) so it ends with the agent even on SIGKILL, and its pid is recorded in
 * `stateDir` so the next agent stops one that survived anyway.
 *
 * @example
 * const vnc = await startX11vnc({ display: ':0', log, stateDir: dataDir });
 * const agent = await runAgent({ dataDir, log, desktop: vnc.target });
 */
export async function startX11vnc(options: {
  display: string;
  log: Logger;
  /** The agent's data directory, where the pid file goes. */
  stateDir: string;
}): Promise<X11vnc> {
  await stopStaleX11vnc(options.stateDir, options.log);
  const dir = await mkdtemp(join(tmpdir(), 'tether-x11vnc-'));
  const password = randomBytes(6).toString('base64url'); // VNC uses the first 8 characters
  const passwordFile = join(dir, 'password');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  const port = await freeLoopbackPort();
  // setpriv sets the parent-death signal, then becomes x11vnc (same pid).
  const hasSetpriv = await onPath('setpriv');
  const child = spawn(
    hasSetpriv ? 'setpriv' : 'x11vnc',
    [
      ...(hasSetpriv ? ['--pdeathsig', 'SIGTERM', 'x11vnc'] : []),
      '-display',
      options.display,
      '-rfbport',
      String(port),
      '-localhost',
      '-forever',
      '-shared',
      '-passwdfile',
      `rm:${passwordFile}`,
      '-noxdamage',
      '-nowf',
      '-noxrecord',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve()); // not installed: no exit event follows
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await forgetX11vnc(options.stateDir);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (child.pid !== undefined) await recordX11vnc(options.stateDir, child.pid);
    await waitForListening(child.stdout, exited, options.display);
  } catch (error) {
    await stop();
    throw error;
  }
  child.stdout.resume();
  child.stderr.resume();
  options.log.info({ display: options.display, port }, 'x11vnc started for desktop sessions');
  return { target: { host: '127.0.0.1', port, password }, stop };
}

function waitForListening(
  stdout: NodeJS.ReadableStream,
  exited: Promise<void>,
  display: string,
): Promise<void> {
  const failure = (why: string): AppError =>
    new AppError(
      'UNAVAILABLE',
      `x11vnc could not serve display ${display}: ${why}. Check that the display exists and that x11vnc is installed (apt-get install x11vnc).`,
    );
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(failure('it did not start in time')), START_TIMEOUT_MS);
    void exited.then(() => {
      clearTimeout(timer);
      reject(failure('it exited'));
    });
    stdout.on('data', (data: Buffer) => {
      text += data.toString('utf8');
      if (/PORT=\d+/.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

async function onPath(name: string): Promise<boolean> {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    try {
      await access(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // Not in this folder: try the next one.
    }
  }
  return false;
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no loopback port');
  return address.port;
}
