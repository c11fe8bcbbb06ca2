import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private X display with an xterm, served by x11vnc with a password; see {@link startXDesktop}. */
export interface XDesktop {
  display: string;
  vncPort: number;
  /** A file holding the VNC password (for `--vnc-password-file`). */
  passwordFile: string;
  /** What x11vnc logged so far (it logs each client's encoding settings, clipboard, …). */
  vncLog(): string;
  close(): Promise<void>;
}

/**
 * Starts Xvfb on a free display number (`-displayfd`), an xterm filling its top-left corner and
 * x11vnc on a free loopback port with a password, in a temp dir. `close()` stops them all.
 */
export async function startXDesktop(): Promise<XDesktop> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-xdesktop-'));
  const processes: ChildProcess[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(processes.reverse().map((child) => stopChild(child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const xvfb = spawn(
      'Xvfb',
      ['-displayfd', '3', '-screen', '0', '1024x768x24', '-nolisten', 'tcp'],
      {
        stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      },
    );
    processes.push(xvfb);
    const display = `:${(await readLine(xvfb, 3, 'Xvfb to pick a display')).trim()}`;
    const env = { ...process.env, DISPLAY: display, HOME: dir };
    const xterm = spawn('xterm', ['-geometry', '100x30+0+0', '-e', 'sh'], {
      stdio: 'ignore',
      env: { ...env, PS1: '$ ' },
      cwd: dir,
    });
    processes.push(xterm);
    const password = 'tether-vnc-secret';
    const passwordFile = join(dir, 'vnc-password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    const vncPort = await freePort();
    const x11vnc = spawn(
      'x11vnc',
      [
        '-display',
        display,
        '-rfbport',
        String(vncPort),
        '-localhost',
        '-forever',
        '-shared',
        '-passwd',
        password,
        '-noxdamage',
        '-nowf',
        '-noxrecord',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    processes.push(x11vnc);
    let log = '';
    const collect = (data: Buffer): void => void (log += data.toString('utf8'));
    x11vnc.stdout.on('data', collect);
    x11vnc.stderr.on('data', collect);
    await readLine(x11vnc, 1, 'x11vnc to listen', /PORT=\d+/);
    return { display, vncPort, passwordFile, vncLog: () => log, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Starts TigerVNC's X server (`Xtigervnc`: the display and the VNC server in one, announcing
 * the extensions noVNC uses with it: QEMU extended keys, fences, continuous updates) on a free
 * display and loopback port, without VNC authentication, with an xterm at the top left.
 * `close()` stops them.
 */
export async function startTigerVncDesktop(): Promise<Omit<XDesktop, 'passwordFile'>> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-tigervnc-'));
  const processes: ChildProcess[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(processes.reverse().map((child) => stopChild(child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const vncPort = await freePort();
    // VNCSConnST at level 100 logs each key with the keycode that QEMU extended keys carry.
    const args = ['-displayfd', '3', '-geometry', '1024x768', '-depth', '24', '-localhost'];
    args.push('-rfbport', String(vncPort), '-SecurityTypes', 'None', '-AlwaysShared');
    args.push('-Log', 'VNCSConnST:stderr:100');
    const server = spawn('Xtigervnc', args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    processes.push(server);
    let log = '';
    server.stderr?.on('data', (data: Buffer) => void (log += data.toString('utf8')));
    const display = `:${(await readLine(server, 3, 'Xtigervnc to pick a display')).trim()}`;
    const xterm = spawn('xterm', ['-geometry', '100x30+0+0', '-e', 'sh'], {
      stdio: 'ignore',
      env: { ...process.env, DISPLAY: display, HOME: dir, PS1: '$ ' },
      cwd: dir,
    });
    processes.push(xterm);
    return { display, vncPort, vncLog: () => log, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function readLine(
  child: ChildProcess,
  fd: number,
  what: string,
  pattern: RegExp = /\n/,
): Promise<string> {
  const stream = child.stdio[fd];
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what}: the process exited (${String(code)})`));
    });
    stream?.on('data', (data: Buffer) => {
      text += data.toString('utf8');
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
