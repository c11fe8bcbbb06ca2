// `tether demo` (what `npm start` runs) gives this machine's device a desktop: with no X display
// (here a Wayland session without X), a private virtual one (Xvfb with a terminal) that "Open
// desktop" shows and drives; with an X display, that display.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { DeviceList } from '@tether/protocol';
import { startCli, stopProcess, waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { openDesktop } from '../support/rfb-client.js';
import { startXDesktop } from '../support/x-desktop.js';

const PASSWORD = 'demo-admin-password-1';
const marker = join(tmpdir(), `tether-demo-typed-${randomUUID()}`);

let dataDir: string;
let demo: ReturnType<typeof startCli>;
let client: HttpsClient;
let display: string;

/** The processes `parent` started whose program is `name`. */
async function childrenNamed(parent: number, name: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const comm = /\((.*)\)/.exec(stat)?.[1];
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm === name && ppid === parent) found.push(Number(entry));
  }
  return found;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs an X client on the virtual display with `env`; resolves to its exit code. */
function xClient(command: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, [], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
}

/**
 * Starts `tether demo` on `folder` and signs in to the console it prints. A folder is used
 * once: the agent enrolled there keeps the server's first (random) port.
 */
async function startDemo(folder: string, args: string[], env: NodeJS.ProcessEnv) {
  const flags = ['--data-dir', folder, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'];
  const child = startCli(['demo', ...args, ...flags], {
    env: { TETHER_ADMIN_PASSWORD: PASSWORD, ...env },
  });
  const url = await waitFor(
    'the demo to start',
    () => {
      if (child.exitCode !== null) throw new Error(`the demo exited: ${child.output()}`);
      return child.output().includes('Press Ctrl+C')
        ? /Console: +(https:\S+)/.exec(child.output())?.[1]
        : undefined;
    },
    120_000,
  );
  const signedIn = new HttpsClient(
    url,
    await readFile(join(folder, 'keys/tls-self-signed.crt'), 'utf8'),
  );
  const login = await signedIn.request('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: PASSWORD,
  });
  assert.equal(login.status, 200, login.text);
  return { child, client: signedIn };
}

/** Opens a desktop on the demo's device; a failure says what the agent logged. */
async function openDemoDesktop(signedIn: HttpsClient, folder: string) {
  const device = await demoDevice(signedIn);
  return openDesktop(signedIn, device.id).catch(async (error: unknown) => {
    const log = await readFile(join(folder, 'agent.log'), 'utf8').catch(() => '');
    throw new Error(`${(error as Error).message}\nagent.log:\n${log.slice(-3000)}`);
  });
}

/** The demo's own device, once online. */
function demoDevice(signedIn: HttpsClient) {
  return waitFor(
    'the demo’s agent to come online',
    async () =>
      (await signedIn.request('GET', '/api/v1/devices'))
        .json(DeviceList)
        .devices.find((candidate) => candidate.online),
    120_000,
  );
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tether-demo-'));
  ({ child: demo, client } = await startDemo(dataDir, [], {
    // A Wayland session without X: auto picks a virtual display, and x11vnc (which refuses to run
    // when it sees Wayland) must not see it.
    DISPLAY: '',
    WAYLAND_DISPLAY: 'wayland-0',
  }));
  display = /Desktop: +a private virtual display (:\d+)/.exec(demo.output())?.[1] ?? '';
  assert.notEqual(display, '', demo.output());
});
after(async () => {
  await stopProcess(demo);
  await rm(dataDir, { recursive: true, force: true });
  await rm(marker, { force: true });
});

test('"Open desktop" on the demo’s own device shows a virtual screen with a terminal that takes typing', async () => {
  const desktop = await openDemoDesktop(client, dataDir);
  assert.deepEqual([desktop.width, desktop.height], [1280, 800]);
  await waitFor('screen updates', () => desktop.receivedBytes() > 100_000 || undefined);
  desktop.click(100, 100); // the terminal fills the top left; no window manager: focus follows
  desktop.type(`touch ${marker}\n`);
  await waitFor('the typed command to run', () => existsSync(marker) || undefined, 30_000);
  assert.equal((await desktop.close()).code, 1000);
});

test('the virtual display refuses clients without its cookie, and ends with the demo', async (t) => {
  const [xvfb] = await childrenNamed(demo.pid ?? 0, 'Xvfb');
  assert.ok(xvfb !== undefined, 'the demo started Xvfb');
  const withoutCookie = await xClient('xdpyinfo', { DISPLAY: display, XAUTHORITY: '/nonexistent' });
  if (withoutCookie === null) t.diagnostic('xdpyinfo is not installed: access not checked');
  else assert.notEqual(withoutCookie, 0, 'a client without the cookie was let in');

  // Ctrl+C: the demo stops its agent, then the display, then the server (no SIGKILL here).
  const exited = new Promise((resolve) => demo.once('exit', resolve));
  const stopping = performance.now();
  demo.kill('SIGINT');
  assert.equal(await exited, 0, demo.output());
  t.diagnostic(`the demo stopped in ${Math.round(performance.now() - stopping)} ms`);
  assert.match(demo.output(), /Stopping…/);
  await waitFor('Xvfb to end with the demo', () => (isRunning(xvfb) ? undefined : true));
  const left = (await readdir(tmpdir())).filter((name) => name.startsWith('tether-demo-desktop-'));
  assert.deepEqual(left, [], 'the display’s private folder is removed');
});

test('with an X display, the demo shares that display instead', async () => {
  const screen = await startXDesktop(); // 1024×768, where the virtual display is 1280×800
  const folder = await mkdtemp(join(tmpdir(), 'tether-demo-'));
  try {
    const shared = await startDemo(folder, [], { DISPLAY: screen.display });
    try {
      assert.match(
        shared.child.output(),
        new RegExp(`Desktop: +this machine's display ${screen.display}, shared with x11vnc`),
      );
      const desktop = await openDemoDesktop(shared.client, folder);
      assert.deepEqual([desktop.width, desktop.height], [1024, 768]);
      assert.equal((await desktop.close()).code, 1000);
    } finally {
      await stopProcess(shared.child);
    }
  } finally {
    await screen.close();
    await rm(folder, { recursive: true, force: true });
  }
});
