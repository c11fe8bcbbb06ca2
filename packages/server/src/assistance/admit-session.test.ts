import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccessWindows, type SessionRight } from '@tether/protocol';
import { refusal } from '../../test/support/refusal.js';
import { admitMode, admitSession } from './admit-session.js';

const device = { name: 'web-01', group: 'Servers' };
const now = new Date('2026-03-30T10:00:00Z'); // Monday 12:00 in Paris
const noPolicy = { modes: null, accessWindows: null, presence: null };

test('without an assistance policy a session needs no mode and carries none', () => {
  assert.deepEqual(admitSession({ device, kind: 'terminal', assistance: noPolicy, now }), {
    accessWindow: null,
  });
});

test('a dynamic group refuses interactive and unattended with the documented error', () => {
  const dynamicRights: SessionRight[] = ['view', 'terminal'];
  const assistance = { modes: { dynamic: dynamicRights }, accessWindows: null, presence: null };
  for (const mode of ['interactive', 'unattended'] as const) {
    const error = refusal(() =>
      admitSession({
        device,
        kind: 'terminal',
        mode,
        assistance: structuredClone(assistance),
        now,
      }),
    );
    assert.equal(error.code, 'FORBIDDEN');
    assert.match(error.message, /group "Servers" uses dynamic assistance/);
    assert.match(error.message, /Start a dynamic session instead/);
  }
  const admitted = admitSession({
    device,
    kind: 'terminal',
    assistance: structuredClone(assistance),
    now,
  });
  assert.equal(admitted.mode, 'dynamic');
  assert.deepEqual(admitted.rights, ['view', 'terminal']);
});

test('a mode without the right for the session kind is refused naming the right', () => {
  const assistance = {
    modes: { interactive: ['view' as const], unattended: ['terminal' as const] },
    accessWindows: null,
    presence: null,
  };
  const error = refusal(() =>
    admitSession({ device, kind: 'terminal', mode: 'interactive', assistance, now }),
  );
  assert.equal(error.code, 'FORBIDDEN');
  assert.match(error.message, /does not include the "terminal" right/);
  const missingMode = refusal(() => admitSession({ device, kind: 'terminal', assistance, now }));
  assert.equal(missingMode.code, 'INVALID_INPUT');
  assert.match(missingMode.message, /interactive, unattended/);
});

test('outside its access window a session is refused with the window in the message', () => {
  const accessWindows = AccessWindows.parse({
    timeZone: 'Europe/Paris',
    windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '11:00' }],
  });
  const error = refusal(() =>
    admitSession({
      device,
      kind: 'terminal',
      assistance: { modes: null, accessWindows, presence: null },
      now,
    }),
  );
  assert.equal(error.code, 'OUTSIDE_ACCESS_WINDOW');
  assert.match(error.message, /outside its access window \(Mon–Fri 08:00–11:00 Europe\/Paris\)/);
  const inside = admitSession({
    device,
    kind: 'terminal',
    assistance: { modes: null, accessWindows, presence: null },
    now: new Date('2026-03-30T08:15:00Z'), // 10:15 in Paris
  });
  assert.deepEqual(inside.accessWindow, {
    closesAt: new Date('2026-03-30T09:00:00.000Z'),
    warnBeforeSec: 300,
    endAtClose: true,
    description: 'Mon–Fri 08:00–11:00 Europe/Paris',
  });
});

test('presence policies narrow the rights by whether a user is at the device', () => {
  const assistance = {
    modes: { unattended: ['view' as const, 'control' as const, 'terminal' as const] },
    accessWindows: null,
    presence: {
      useScreenState: true,
      present: ['view' as const],
      absent: ['view' as const, 'control' as const, 'terminal' as const],
    },
  };
  const present = { loggedIn: true, screenLocked: false, user: 'ada' };
  const atDevice = { device, mode: 'unattended' as const, assistance, now };
  const refused = refusal(() =>
    admitSession({ ...atDevice, kind: 'terminal', userPresence: present }),
  );
  assert.equal(refused.code, 'FORBIDDEN');
  assert.match(refused.message, /a user is at the device/);
  const viewing = admitSession({ ...atDevice, kind: 'desktop', userPresence: present });
  assert.deepEqual([viewing.presence, viewing.rights], ['present', ['view']]);
  const locked = admitSession({
    ...atDevice,
    kind: 'terminal',
    userPresence: { ...present, screenLocked: true },
  });
  assert.deepEqual([locked.presence, locked.rights], ['absent', ['view', 'control', 'terminal']]);
  const unknown = admitSession({ ...atDevice, kind: 'terminal' });
  assert.equal(unknown.presence, 'absent');
  const ignoringScreen = admitSession({
    ...atDevice,
    kind: 'desktop',
    assistance: { ...assistance, presence: { ...assistance.presence, useScreenState: false } },
    userPresence: { ...present, screenLocked: true },
  });
  assert.equal(ignoringScreen.presence, 'present');
});

test('an unattended access is admitted by mode and window alone', () => {
  const assistance = { modes: { dynamic: ['view' as const] }, accessWindows: null, presence: null };
  const error = refusal(() => admitMode({ device, mode: 'unattended', assistance, now }));
  assert.match(error.message, /uses dynamic assistance/);
  assert.doesNotThrow(() => admitMode({ device, mode: 'dynamic', assistance, now }));
});
