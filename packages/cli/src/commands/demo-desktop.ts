import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AppError } from '@tether/protocol/app-error';

/** How long Xvfb may take to announce its display. */
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3000;
/** The virtual screen: a common laptop size. */
const SCREEN = '1280x800x24';

/** `--desktop` of `tether demo`. */
export type DesktopChoice = 'auto' | 'display' | 'virtual' | 'off';
export const DESKTOP_CHOICES: readonly DesktopChoice[] = ['auto', 'display', 'virtual', 'off'];

/** What this machine offers, as the plan reads it (tests give their own). */
export interface DesktopMachine {
  /** `$DISPLAY`: an X display of the user running the demo. */
  display: string | undefined;
  /**
   * A Wayland session (`$WAYLAND_DISPLAY`): x11vnc sees only its X programs (XWayland), not the
   * screen, so `auto` prefers a virtual display there.
   */
  isWayland: boolean;
  has: { xvfb: boolean; x11vnc: boolean; xterm: boolean };
}

/** What the demo's agent gets: this user's display, a private virtual one, or none (and why). */
export type DesktopPlan =
  | { kind: 'display'; display: string }
  | { kind: 'virtual'; withTerminal: boolean }
  | { kind: 'none'; reason: string };

const INSTALL =
  'Debian/Ubuntu: sudo apt install xvfb x11vnc xterm; Fedora: sudo dnf install xorg-x11-server-Xvfb x11vnc xterm';

/**
 * Decides which desktop the demo's agent shows: `auto` shares this user's X display when there
 * is one and x11vnc (not in a Wayland session), else starts a private virtual display (Xvfb)
 * when Xvfb and x11vnc are installed, else none, saying what to install.
 *
 * @example
 * planDesktop('auto', { display: undefined, isWayland: false, has: { xvfb: true, x11vnc: true, xterm: false } });
 * // { kind: 'virtual', withTerminal: false }
 */
export function planDesktop(choice: DesktopChoice, machine: DesktopMachine): DesktopPlan {
  const none = (reason: string): DesktopPlan => ({ kind: 'none', reason });
  if (choice === 'off') return none('turned off with --desktop off');
  const { display, has } = machine;
  const canShareDisplay = display !== undefined && has.x11vnc;
  if (choice === 'display') {
    if (canShareDisplay) return { kind: 'display', display };
    return none(
      display === undefined
        ? 'there is no X display here ($DISPLAY); try --desktop virtual'
        : `x11vnc is not installed to share display ${display} (${INSTALL})`,
    );
  }
  if (choice === 'auto' && canShareDisplay && !machine.isWayland)
    return { kind: 'display', display };
  if (has.xvfb && has.x11vnc) return { kind: 'virtual', withTerminal: has.xterm };
  const missing = [!has.xvfb && 'Xvfb', !has.x11vnc && 'x11vnc'].filter(Boolean).join(' and ');
  const forVirtual = `${missing} ${missing.includes(' and ') ? 'are' : 'is'} not installed for a virtual one`;
  const why =
    choice === 'virtual'
      ? `${missing} ${missing.includes(' and ') ? 'are' : 'is'} not installed for a virtual display`
      : machine.isWayland
        ? `x11vnc cannot show this Wayland session, and ${forVirtual}`
        : display !== undefined
          ? `x11vnc is not installed to share display ${display}`
          : `there is no display here, and ${forVirtual}`;
  return none(`${why}. Install them (${INSTALL}) and start again`);
}

/** Reads what this machine offers from the environment and the PATH. */
export async function readDesktopMachine(env: NodeJS.ProcessEnv): Promise<DesktopMachine> {
  const display = env.DISPLAY?.trim() || undefined;
  const [xvfb, x11vnc, xterm] = await Promise.all(
    ['Xvfb', 'x11vnc', 'xterm'].map((name) => onPath(name, env.PATH)),
  );
  return {
    display,
    isWayland: Boolean(env.WAYLAND_DISPLAY) || env.XDG_SESSION_TYPE === 'wayland',
    has: { xvfb: xvfb ?? false, x11vnc: x11vnc ?? false, xterm: xterm ?? false },
  };
}

/** A desktop running for the demo's agent; see {@link startDemoDesktop}. */
export interface DemoDesktop {
  /** Extra `tether agent run` arguments: `--x11vnc-display :N`, or none. */
  agentArgs: string[];
  /**
   * Changes to the agent's environment: the virtual display's X authority; `undefined` removes
   * a variable (Node's spawn leaves those out).
   */
  agentEnv: NodeJS.ProcessEnv;
  /** What the demo prints about it. */
  summary: string;
  stop(): Promise<void>;
}

/**
 * Starts what `plan` needs. A virtual display is private: Xvfb only accepts clients holding a
 * random cookie (an X authority file readable by this user alone), so other local users can
 * neither watch it nor type into its terminal; it ends with the demo (a parent-death signal
 * where util-linux `setpriv` exists, else at the demo's clean stop). Never throws: a virtual
 * display that cannot start leaves the demo without a desktop, and the summary says why.
 *
 * @example
 * const desktop = await startDemoDesktop(planDesktop('auto', await readDesktopMachine(env)));
 * spawnAgent([...args, ...desktop.agentArgs], { ...env, ...desktop.agentEnv });
 */
export async function startDemoDesktop(plan: DesktopPlan): Promise<DemoDesktop> {
  const nothing = (): Promise<void> => Promise.resolve();
  if (plan.kind === 'none')
    return {
      agentArgs: [],
      agentEnv: {},
      summary: `none: ${plan.reason}.`,
      stop: nothing,
    };
  if (plan.kind === 'display')
    return {
      agentArgs: ['--x11vnc-display', plan.display],
      agentEnv: {},
      summary: `this machine's display ${plan.display}, shared with x11vnc while the demo runs.`,
      stop: nothing,
    };
  return startVirtualDisplay(plan.withTerminal).catch((error: unknown) =>
    startDemoDesktop({
      kind: 'none',
      reason: `the virtual display could not start (${error instanceof Error ? error.message : String(error)})`,
    }),
  );
}

async function startVirtualDisplay(withTerminal: boolean): Promise<DemoDesktop> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-demo-desktop-'));
  const authority = join(dir, 'Xauthority');
  await writeFile(authority, xauthorityEntry(randomBytes(16)), { mode: 0o600 });
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.reverse().map((child) => stopChild(child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const xvfbArgs = ['-displayfd', '3', '-screen', '0', SCREEN, '-nolisten', 'tcp'];
    const xvfb = await spawnEndingWithUs('Xvfb', [...xvfbArgs, '-auth', authority], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    children.push(xvfb);
    const display = `:${(await readDisplayNumber(xvfb)).trim()}`;
    // The terminal is this user's, as in any of their sessions; only the display is private.
    const env = { ...process.env, DISPLAY: display, XAUTHORITY: authority };
    if (withTerminal) {
      const terminal = await spawnEndingWithUs('xterm', ['-geometry', '120x40+0+0'], {
        stdio: 'ignore',
        env,
      });
      children.push(terminal);
    }
    return {
      agentArgs: ['--x11vnc-display', display],
      // x11vnc refuses to start when it sees a Wayland session, even for another display.
      agentEnv: { XAUTHORITY: authority, WAYLAND_DISPLAY: undefined, XDG_SESSION_TYPE: undefined },
      summary: `a private virtual display ${display} (Xvfb${withTerminal ? ', with a terminal' : ''}), while the demo runs.`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * One X authority entry for any display of any host (FamilyWild, no address, no display
 * number): the server accepts its cookie, and clients given the file find it for `:N`, which is
 * only known once Xvfb has picked it.
 */
function xauthorityEntry(cookie: Buffer): Buffer {
  const field = (value: Buffer): Buffer => {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(value.length);
    return Buffer.concat([length, value]);
  };
  const family = Buffer.from([0xff, 0xff]);
  const empty = Buffer.alloc(0);
  return Buffer.concat([
    family,
    field(empty),
    field(empty),
    field(Buffer.from('MIT-MAGIC-COOKIE-1', 'latin1')),
    field(cookie),
  ]);
}

/** Spawns `command`, through `setpriv --pdeathsig` when it exists so it ends with this process. */
async function spawnEndingWithUs(
  command: string,
  args: string[],
  options: Parameters<typeof spawn>[2],
): Promise<ChildProcess> {
  const hasSetpriv = await onPath('setpriv', process.env.PATH);
  const child = hasSetpriv
    ? spawn('setpriv', ['--pdeathsig', 'SIGTERM', command, ...args], options)
    : spawn(command, args, options);
  child.once('error', () => undefined); // reported by whoever waits on it (exit follows)
  return child;
}

function readDisplayNumber(xvfb: ChildProcess): Promise<string> {
  const stream = xvfb.stdio[3];
  return new Promise((resolve, reject) => {
    let text = '';
    const failed = (why: string): void => {
      clearTimeout(timer);
      reject(new AppError('UNAVAILABLE', `Xvfb could not start a virtual display: ${why}.`));
    };
    const timer = setTimeout(() => failed('it did not start in time'), START_TIMEOUT_MS);
    xvfb.once('exit', (code) => failed(`it exited (${String(code)})`));
    xvfb.once('error', (error) => failed(error.message));
    stream?.on('data', (data: Buffer) => {
      text += data.toString('utf8');
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

async function onPath(name: string, path: string | undefined): Promise<boolean> {
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    try {
      await access(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // Not in this folder: try the next one.
    }
  }
  return false;
}
