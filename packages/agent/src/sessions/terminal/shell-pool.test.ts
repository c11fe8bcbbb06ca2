import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol/agent';
import { silentLog } from '../../../test/helpers/silent-log.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import { createShellPool } from './shell-pool.js';
import type { ShellCommand } from './shell.js';

/** A "shell" that prints a prompt and then echoes what it reads, like an interactive shell. */
const promptingShell = (): ShellCommand => ({
  file: '/bin/sh',
  args: ['-c', 'printf "warm-prompt> "; exec cat'],
  cwd: tmpdir(),
  env: { PATH: '/usr/bin:/bin' },
});

/** Live (not zombie) shells started by this test process (tsx has an esbuild child too). */
const childPids = (): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const isShell = name === 'cat' || name === 'sh';
        return isShell && Number(ppid) === process.pid && state !== 'Z' ? [Number(pid)] : [];
      } catch {
        return []; // exited while we looked
      }
    });

test('a session takes a spare shell whose prompt is already printed, and a new spare follows', async () => {
  const clock = new TestClock();
  const pool = createShellPool({ command: promptingShell, clock, log: silentLog() });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300)); // the spare prints its prompt
    const taken = pool.take({ cols: 120, rows: 40 });
    assert.ok(taken, 'a spare was ready');
    assert.equal(taken.release().toString(), 'warm-prompt> ');
    assert.equal(taken.shell.pty.cols, 120, 'resized to the session');
    assert.equal(pool.take({ cols: 80, rows: 24 }), undefined, 'the next spare is not started yet');
    clock.advance(100);
    const second = pool.take({ cols: 80, rows: 24 });
    assert.ok(second, 'a new spare was started after the refill delay');
    for (const shell of [taken.shell, second.shell]) {
      shell.hangUp();
      // A shell hung up before it finished starting may miss the SIGHUP (a loaded machine):
      // then the SIGKILL that follows on the pool's clock ends it.
      const late = setTimeout(() => clock.advance(5000), 1000);
      await shell.exited;
      clearTimeout(late);
    }
  } finally {
    await pool.stop();
  }
});

test('stopping the pool hangs up the spare', async () => {
  const pool = createShellPool({
    command: promptingShell,
    clock: new TestClock(),
    log: silentLog(),
  });
  await waitFor(() => childPids().length > 0, 'the spare shell to start');
  await pool.stop();
  assert.equal(childPids().length, 0, 'the spare shell has exited');
  assert.equal(pool.take({ cols: 80, rows: 24 }), undefined);
});

test('a shell that keeps dying at once is not restarted forever', async () => {
  const clock = new TestClock();
  const failing = (): ShellCommand => ({
    file: '/bin/sh',
    args: ['-c', 'exit 1'],
    cwd: tmpdir(),
    env: {},
  });
  const pool = createShellPool({ command: failing, clock, log: silentLog() });
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    clock.advance(100);
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(clock.pendingTimers, 0, 'no more restarts are scheduled');
  await pool.stop();
});
