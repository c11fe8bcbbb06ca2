import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startCli, stopProcess, waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { startXDesktop, type XDesktop } from '../support/x-desktop.js';

let server: TestServer;
let desktop: XDesktop;

before(async () => {
  desktop = await startXDesktop();
  server = await createTestServer();
});
after(async () => {
  await server.close();
  await desktop.close();
});

/** 'R', 'S', 'T', … from /proc/<pid>/stat; undefined once the process is gone or a zombie. */
async function processState(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state === '' || state === 'Z' ? undefined : state;
}

/** The x11vnc the agent in `dataDir` recorded, once it runs as x11vnc. */
function agentX11vnc(dataDir: string, previous?: number): Promise<number> {
  return waitFor('the agent to record its running x11vnc', async () => {
    const text = await readFile(join(dataDir, 'x11vnc.pid'), 'utf8').catch(() => '');
    const pid = text ? (JSON.parse(text) as { pid: number }).pid : undefined;
    if (pid === undefined || pid === previous) return undefined;
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return command.split('\0')[0] === 'x11vnc' ? pid : undefined;
  });
}

test('x11vnc ends with an agent killed with SIGKILL', async () => {
  const agent = await server.startAgent({ args: ['--x11vnc-display', desktop.display] });
  const x11vnc = await agentX11vnc(agent.dataDir);
  await agent.stop('SIGKILL');
  await waitFor('x11vnc to end with the agent', async () =>
    (await processState(x11vnc)) === undefined ? true : undefined,
  );
});

test('the next agent stops an x11vnc that a killed agent left running, and starts its own', async () => {
  const agent = await server.startAgent({ args: ['--x11vnc-display', desktop.display] });
  const stale = await agentX11vnc(agent.dataDir);
  // A stopped process keeps the parent-death SIGTERM pending: this x11vnc survives the agent.
  process.kill(stale, 'SIGSTOP');
  await waitFor('the x11vnc to stop', async () =>
    (await processState(stale)) === 'T' ? true : undefined,
  );
  process.kill(agent.pid, 'SIGKILL');
  await waitFor('the agent to die', async () =>
    (await processState(agent.pid)) === undefined ? true : undefined,
  );
  assert.equal(await processState(stale), 'T', 'the stale x11vnc outlived the agent');

  const next = startCli([
    'agent',
    'run',
    '--data-dir',
    agent.dataDir,
    '--log-level',
    'warn',
    '--x11vnc-display',
    desktop.display,
  ]);
  try {
    const fresh = await agentX11vnc(agent.dataDir, stale);
    assert.equal(await processState(stale), undefined, 'the stale x11vnc was stopped');
    assert.match(next.output(), /previous agent left running/);
    await stopProcess(next);
    // A clean stop ends its x11vnc too: the signal reaches it as the agent exits, not before.
    await waitFor('x11vnc to end with the cleanly stopped agent', async () =>
      (await processState(fresh)) === undefined ? true : undefined,
    );
  } finally {
    await stopProcess(next);
    await agent.stop();
  }
});
