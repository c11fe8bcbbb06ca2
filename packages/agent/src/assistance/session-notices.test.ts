import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { desktopSessionNotifier, noticeText } from './session-notices.js';

const log = pino({ level: 'silent' });

test('on a graphical session the user is notified when a session starts and ends', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'tether-notify-'));
  try {
    const record = join(folder, 'notices');
    const script = join(folder, 'notify-send');
    // One append per call (the two notices may run at once, and two-part writes interleave).
    await writeFile(script, `#!/bin/sh\nline=$(printf '%s|' "$@")\necho "$line" >> "${record}"\n`);
    await chmod(script, 0o755);
    const notify = await desktopSessionNotifier({ env: { DISPLAY: ':9', PATH: folder }, log });
    assert.ok(notify, 'notify-send was found');
    const session = { id: '3f1c0f4e-3f4b-4c1e-9d0a-6a1f0b2c3d4e', kind: 'desktop' as const };
    notify({ ...session, technician: 'ada', state: 'started' });
    notify({ ...session, technician: 'ada', state: 'ended' });
    const lines = await waitForLines(record, 2);
    assert.match(
      lines[0] ?? '',
      /--urgency=critical\|.*session running\|ada opened a desktop session on this computer\. To end it now, run: tether agent sessions end 3f1c0f4e/,
    );
    assert.match(lines[1] ?? '', /session ended\|The desktop session of ada has ended\./);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('without a display or without notify-send there is no notifier', async () => {
  assert.equal(await desktopSessionNotifier({ env: { PATH: '/usr/bin' }, log }), undefined);
  assert.equal(
    await desktopSessionNotifier({ env: { DISPLAY: ':9', PATH: '/nonexistent' }, log }),
    undefined,
  );
});

/** Waits for `count` notices, with a deadline generous enough for a heavily loaded machine. */
async function waitForLines(path: string, count: number): Promise<string[]> {
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    const text = await readFile(path, 'utf8').catch(() => '');
    const lines = text.split('\n').filter(Boolean);
    if (lines.length >= count)
      return lines.sort((a, b) => (a.includes('running') ? -1 : b.includes('running') ? 1 : 0));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`notify-send was not called ${count} times`);
}

test('a guest joining says who invited whom, whether they can control, and how to end the session', () => {
  const joined = noticeText({
    id: 'abc',
    kind: 'terminal',
    technician: 'alice',
    state: 'joined',
    guest: { name: 'Vendor support', isExternal: true, hasControl: false },
  });
  assert.match(joined.title, /joined/);
  assert.match(joined.body, /alice invited Vendor support \(a guest without an account\)/);
  assert.match(joined.body, /can watch but not control/);
  assert.match(joined.body, /tether agent sessions end abc/);
});
