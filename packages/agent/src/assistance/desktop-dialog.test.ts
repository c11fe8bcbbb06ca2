import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { desktopDialogFrontend } from './desktop-dialog.js';

const log = pino({ level: 'silent' });
const prompt = {
  id: '6f1c2a52-8a55-4a8e-9f0e-1d3b7c9e2a10',
  technician: 'alice',
  kind: 'terminal' as const,
  mode: 'interactive' as const,
  rights: ['terminal' as const],
  expiresAt: 0,
};

/** A stand-in `zenity` that records its arguments and exits with `code`. */
async function fakeZenity(code: number): Promise<{ dir: string; argsFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-dialog-'));
  const argsFile = join(dir, 'args');
  await writeFile(
    join(dir, 'zenity'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\nexit ${code}\n`,
  );
  await chmod(join(dir, 'zenity'), 0o755);
  return { dir, argsFile };
}

test('without a graphical session there is no dialog', async () => {
  assert.equal(
    await desktopDialogFrontend({ env: { PATH: '/usr/bin' }, log, timeoutMs: 30_000 }),
    undefined,
  );
});

for (const [code, expected] of [
  [0, true],
  [1, false],
] as const) {
  test(`zenity exiting with ${code} answers ${expected ? 'allow' : 'deny'}, naming the technician`, async () => {
    const { dir, argsFile } = await fakeZenity(code);
    try {
      const frontend = await desktopDialogFrontend({
        env: { PATH: dir, DISPLAY: ':99' },
        log,
        timeoutMs: 30_000,
      });
      assert.ok(frontend, 'zenity is found on the PATH');
      const answer = await new Promise<boolean>((resolve) => frontend(prompt, resolve));
      assert.equal(answer, expected);
      const args = await readFile(argsFile, 'utf8');
      assert.match(args, /--text=alice asks to open a terminal session on this computer/);
      assert.match(args, /--timeout=30/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
