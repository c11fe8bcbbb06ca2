import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  planDesktop,
  startDemoDesktop,
  type DesktopChoice,
  type DesktopMachine,
} from './demo-desktop.js';

const ALL = { xvfb: true, x11vnc: true, xterm: true };
const machine = (overrides: Partial<DesktopMachine> = {}): DesktopMachine => ({
  display: undefined,
  isWayland: false,
  has: ALL,
  ...overrides,
});

test('auto shares this user’s display when x11vnc can, else starts a virtual one', () => {
  assert.deepEqual(planDesktop('auto', machine({ display: ':0' })), {
    kind: 'display',
    display: ':0',
  });
  assert.deepEqual(planDesktop('auto', machine()), { kind: 'virtual', withTerminal: true });
  assert.deepEqual(planDesktop('auto', machine({ has: { ...ALL, xterm: false } })), {
    kind: 'virtual',
    withTerminal: false,
  });
  assert.deepEqual(planDesktop('virtual', machine({ display: ':0' })), {
    kind: 'virtual',
    withTerminal: true,
  });
  // x11vnc would show XWayland's few windows, not the screen: a virtual display instead.
  assert.deepEqual(planDesktop('auto', machine({ display: ':0', isWayland: true })), {
    kind: 'virtual',
    withTerminal: true,
  });
  assert.deepEqual(planDesktop('display', machine({ display: ':0', isWayland: true })), {
    kind: 'display',
    display: ':0',
  });
});

test('without the programs it needs, the demo says what to install', () => {
  const none = (choice: DesktopChoice, overrides: Partial<DesktopMachine>): string => {
    const plan = planDesktop(choice, machine(overrides));
    if (plan.kind !== 'none') assert.fail(`expected no desktop, got ${plan.kind}`);
    return plan.reason;
  };
  const nothing = { xvfb: false, x11vnc: false, xterm: false };
  assert.match(
    none('auto', { has: nothing }),
    /no display here, and Xvfb and x11vnc are not installed.*sudo apt install xvfb x11vnc/,
  );
  assert.match(
    none('auto', { has: { ...ALL, xvfb: false } }),
    /no display here, and Xvfb is not installed/,
  );
  assert.match(
    none('auto', { display: ':1', has: nothing }),
    /x11vnc is not installed to share display :1/,
  );
  assert.match(
    none('auto', { display: ':0', isWayland: true, has: nothing }),
    /x11vnc cannot show this Wayland session, and Xvfb and x11vnc are not installed/,
  );
  assert.match(none('display', {}), /no X display here/);
  assert.match(
    none('virtual', { display: ':0', has: { ...ALL, xvfb: false } }),
    /Xvfb is not installed for a virtual display/,
  );
  assert.equal(planDesktop('off', machine({ display: ':0' })).kind, 'none');
});

test('a virtual display that cannot start leaves the demo without a desktop, saying why', async () => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent'; // Xvfb cannot be found
  try {
    const desktop = await startDemoDesktop({ kind: 'virtual', withTerminal: false });
    assert.deepEqual(desktop.agentArgs, []);
    assert.match(desktop.summary, /^none: the virtual display could not start \(Xvfb .*ENOENT/);
    await desktop.stop();
  } finally {
    process.env.PATH = path;
  }
});
