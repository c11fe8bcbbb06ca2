import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { recordX11vnc, stopStaleX11vnc, X11VNC_PIDFILE } from './x11vnc-pidfile.js';

const log = pino({ level: 'silent' });

test('a pid file naming a process that is not x11vnc leaves that process alone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-pidfile-'));
  const other = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    await recordX11vnc(dir, other.pid ?? 0);
    await stopStaleX11vnc(dir, log);
    assert.equal(other.exitCode, null);
    assert.equal(other.signalCode, null);
    await assert.rejects(readFile(join(dir, X11VNC_PIDFILE)), { code: 'ENOENT' });
  } finally {
    other.kill();
    await once(other, 'exit');
    await rm(dir, { recursive: true, force: true });
  }
});

test('a malformed pid file or one naming a gone process is removed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-pidfile-'));
  try {
    await writeFile(join(dir, X11VNC_PIDFILE), 'not json');
    await stopStaleX11vnc(dir, log);
    await assert.rejects(readFile(join(dir, X11VNC_PIDFILE)), { code: 'ENOENT' });
    await writeFile(
      join(dir, X11VNC_PIDFILE),
      JSON.stringify({ pid: 2 ** 22 + 1, startTime: '1' }),
    );
    await stopStaleX11vnc(dir, log);
    await assert.rejects(readFile(join(dir, X11VNC_PIDFILE)), { code: 'ENOENT' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
