import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuditPage, EffectivePolicyView, ErrorBody, Policy, SessionList } from '@tether/protocol';
import { z } from 'zod';
import { runCli, waitFor } from '../support/cli.js';
import { openTerminal, type TerminalClient } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

const PolicyReply = z.object({ policy: Policy });
const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The consent timeout of the second device, where nobody answers. */
const QUICK_TIMEOUT_SEC = 2;

let server: TestServer;
/** A device with a user logged in and the default consent timeout (30 s). */
let deviceId: string;
let agentDataDir: string;
/** A device without a logged-in user whose consent questions time out quickly. */
let quietDeviceId: string;

before(async () => {
  server = await createTestServer();
  const [agent, quiet] = await Promise.all([
    server.startAgent({ args: ['--user-presence', 'present'] }),
    server.startAgent({
      args: ['--consent-timeout', String(QUICK_TIMEOUT_SEC), '--user-presence', 'absent'],
    }),
  ]);
  deviceId = agent.device.id;
  agentDataDir = agent.dataDir;
  quietDeviceId = quiet.device.id;
});
after(async () => server.close());

/** Creates a policy with these assistance settings, assigned to one device only. */
async function assignAssistance(
  name: string,
  assistance: unknown,
  target = deviceId,
): Promise<Policy> {
  const created = await server.admin.request('POST', '/api/v1/policies', {
    name,
    settings: { assistance },
  });
  assert.equal(created.status, 201, created.text);
  const policy = created.json(PolicyReply).policy;
  const assigned = await server.admin.request('PUT', `/api/v1/policies/${policy.id}/assignments`, {
    assignments: [{ type: 'device', deviceId: target }],
  });
  assert.equal(assigned.status, 200, assigned.text);
  return policy;
}

async function removePolicy(policy: Policy): Promise<void> {
  const removed = await server.admin.request('DELETE', `/api/v1/policies/${policy.id}`);
  assert.ok(removed.status === 200 || removed.status === 204, removed.text);
}

const requestTerminal = (body: Record<string, unknown> = {}) =>
  server.admin.request('POST', '/api/v1/sessions', { deviceId, kind: 'terminal', ...body });

const twoDigits = (hour: number): string => `${String(hour % 24).padStart(2, '0')}:00`;

test('a dynamic group refuses interactive and unattended with the documented error', async () => {
  const policy = await assignAssistance('Dynamic only', {
    modes: { dynamic: ['view', 'terminal'] },
  });
  try {
    const effective = (
      await server.admin.request('GET', `/api/v1/devices/${deviceId}/effective-policy`)
    ).json(EffectivePolicyView);
    assert.deepEqual(effective.settings.assistance.modes, { dynamic: ['view', 'terminal'] });
    assert.equal(effective.sources['assistance.modes']?.policyName, 'Dynamic only');

    for (const mode of ['interactive', 'unattended']) {
      const refused = await requestTerminal({ mode });
      assert.equal(refused.status, 403, refused.text);
      const error = refused.json(ErrorBody);
      assert.equal(error.code, 'FORBIDDEN');
      assert.match(error.message, /uses dynamic assistance\. Start a dynamic session instead/);
      assert.deepEqual(error.details, { allowedModes: ['dynamic'] });
    }
    const sessions = (
      await server.admin.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)
    ).json(SessionList);
    assert.equal(sessions.sessions.length, 0, 'a refused request creates no session');
    const audited = (
      await server.admin.request('GET', '/api/v1/audit?action=session.refused')
    ).json(AuditPage);
    assert.ok(
      audited.entries.some(
        (entry) => entry.details.code === 'FORBIDDEN' && entry.details.mode === 'unattended',
      ),
      'the refusal is audited',
    );
  } finally {
    await removePolicy(policy);
  }
});

/** The session ends (the console is closed) and its record says why. */
async function endedWith(
  terminal: TerminalClient,
  pattern: RegExp,
  target = deviceId,
): Promise<void> {
  const closed = await terminal.closed;
  assert.notEqual(closed.code, 1000);
  const ended = await waitFor('the session to end', async () => {
    const list = (await server.admin.request('GET', `/api/v1/sessions?deviceId=${target}`)).json(
      SessionList,
    );
    return list.sessions.find(
      (session) => session.id === terminal.session.session.id && session.state === 'ended',
    );
  });
  assert.match(ended.endReason ?? '', pattern);
}

/** The error code of the audited refusal of a session. */
async function refusalCode(sessionId: string): Promise<unknown> {
  const page = (await server.admin.request('GET', '/api/v1/audit?action=session.refused')).json(
    AuditPage,
  );
  return page.entries.find((entry) => entry.details.sessionId === sessionId)?.details.code;
}

const prompts = (...args: string[]) => runCli(['agent', ...args, '--data-dir', agentDataDir]);

/** Waits until the agent asks its user about this session; returns the prompt line. */
async function waitForPrompt(sessionId: string): Promise<string> {
  return waitFor('the consent prompt', async () => {
    const listed = await prompts('prompts', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    return listed.stdout.split('\n').find((line) => line.startsWith(sessionId));
  });
}

test('interactive: the user accepts with `tether agent prompts accept`, the session opens, the user ends it', async () => {
  const policy = await assignAssistance('Ask first', { modes: { interactive: ['terminal'] } });
  try {
    const terminal = await openTerminal(server.admin, deviceId);
    const id = terminal.session.session.id;
    const prompt = await waitForPrompt(id);
    assert.match(prompt, /admin asks for a terminal session \(interactive; may terminal\)/);
    const accepted = await prompts('prompts', 'accept', id);
    assert.equal(accepted.code, 0, accepted.stderr);
    terminal.type('echo "consented-$((40 + 2))"\r');
    await terminal.waitForOutput(/consented-42/);
    const listed = await prompts('prompts', 'list');
    assert.match(listed.stdout, new RegExp(`${id}  running: terminal session of admin`));
    const ended = await prompts('sessions', 'end', id);
    assert.equal(ended.code, 0, ended.stderr);
    const closed = await terminal.closed;
    assert.match(closed.reason, /The user at the device ended the session/);
  } finally {
    await removePolicy(policy);
  }
});

test('interactive: the user denies and the session is refused with CONSENT_DENIED', async () => {
  const policy = await assignAssistance('Ask first', { modes: { interactive: ['terminal'] } });
  try {
    const terminal = await openTerminal(server.admin, deviceId);
    const id = terminal.session.session.id;
    await waitForPrompt(id);
    const denied = await prompts('prompts', 'deny', id);
    assert.equal(denied.code, 0, denied.stderr);
    await endedWith(terminal, /The user at the device declined the request for a terminal session/);
    assert.equal(await refusalCode(id), 'CONSENT_DENIED');
    const again = await prompts('prompts', 'accept', id);
    assert.notEqual(again.code, 0, 'an answered request cannot be accepted afterwards');
  } finally {
    await removePolicy(policy);
  }
});

test('interactive: without an answer the request is refused after the consent timeout', async () => {
  const policy = await assignAssistance(
    'Ask first, nobody there',
    { modes: { interactive: ['terminal'] } },
    quietDeviceId,
  );
  try {
    const startedAt = Date.now();
    const terminal = await openTerminal(server.admin, quietDeviceId);
    await endedWith(
      terminal,
      /did not answer the request for a terminal session in time/,
      quietDeviceId,
    );
    assert.equal(await refusalCode(terminal.session.session.id), 'CONSENT_DENIED');
    const took = Date.now() - startedAt;
    assert.ok(
      took >= QUICK_TIMEOUT_SEC * 1000 - 500,
      `refused only after the timeout (${took} ms)`,
    );
  } finally {
    await removePolicy(policy);
  }
});

test('dynamic: with a user logged in the device asks for consent; without one it goes unattended', async () => {
  const policy = await assignAssistance('Dynamic terminals', { modes: { dynamic: ['terminal'] } });
  try {
    const terminal = await openTerminal(server.admin, deviceId);
    await waitForPrompt(terminal.session.session.id);
    assert.equal((await prompts('prompts', 'deny', terminal.session.session.id)).code, 0);
    await endedWith(terminal, /declined/);
  } finally {
    await removePolicy(policy);
  }
  const onQuiet = await assignAssistance(
    'Dynamic on the empty device',
    { modes: { dynamic: ['terminal'] } },
    quietDeviceId,
  );
  try {
    const terminal = await openTerminal(server.admin, quietDeviceId);
    await endedWith(
      terminal,
      /No user is logged in at the device, so dynamic assistance runs unattended: create an unattended access/,
      quietDeviceId,
    );
    assert.equal(await refusalCode(terminal.session.session.id), 'FORBIDDEN');
  } finally {
    await removePolicy(onQuiet);
  }
});

test('outside its access window a session is refused with the window; inside it opens', async () => {
  const hour = server.clock.now().getUTCHours();
  const closed = await assignAssistance('Later today', {
    accessWindows: {
      timeZone: 'UTC',
      windows: [{ days: ALL_DAYS, start: twoDigits(hour + 2), end: twoDigits(hour + 3) }],
    },
  });
  try {
    const refused = await requestTerminal();
    assert.equal(refused.status, 403, refused.text);
    const error = refused.json(ErrorBody);
    assert.equal(error.code, 'OUTSIDE_ACCESS_WINDOW');
    assert.ok(
      error.message.includes(
        `outside its access window (Mon–Sun ${twoDigits(hour + 2)}–${twoDigits(hour + 3)} UTC)`,
      ),
      error.message,
    );
  } finally {
    await removePolicy(closed);
  }
  const open = await assignAssistance('Now', {
    accessWindows: {
      timeZone: 'UTC',
      windows: [{ days: ALL_DAYS, start: twoDigits(hour + 23), end: twoDigits(hour + 1) }],
    },
  });
  try {
    const terminal = await openTerminal(server.admin, deviceId);
    terminal.type('echo "window-$((6 * 7))"\r');
    await terminal.waitForOutput(/window-42/);
    await terminal.close();
  } finally {
    await removePolicy(open);
  }
});

test('the agent is killed during a session: the console is told why within a few seconds', async () => {
  // No spare shell: a shell killed half-way through its start-up files may leave their locks
  // behind (pyenv's rehash lock, for one), which would slow every later shell on this machine.
  const agent = await server.startAgent({ args: ['--no-spare-shell'] });
  const terminal = await openTerminal(server.admin, agent.device.id);
  terminal.type('echo "alive-$((40 + 2))"\r');
  await terminal.waitForOutput(/alive-42/);
  const killedAt = Date.now();
  await agent.stop('SIGKILL');
  const closed = await terminal.closed;
  assert.ok(Date.now() - killedAt < 5000, 'the console learned of the end within 5 s');
  assert.notEqual(closed.code, 1000);
  assert.match(closed.reason, /the agent stopped, restarted or lost its network/);
  const ended = await waitFor('the session record to end', async () => {
    const list = (
      await server.admin.request('GET', `/api/v1/sessions?deviceId=${agent.device.id}`)
    ).json(SessionList);
    return list.sessions.find((session) => session.state === 'ended');
  });
  assert.match(ended.endReason ?? '', /the agent stopped, restarted or lost its network/);
});

const hhmm = (minuteOfDay: number): string => {
  const minutes = (minuteOfDay + 1440) % 1440;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

test('a running session is warned before its access window closes, then ended with why', async () => {
  const now = server.clock.now();
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  const window = { days: ALL_DAYS, start: hhmm(minute - 1), end: hhmm(minute + 1) };
  const policy = await assignAssistance('Closing soon', {
    accessWindows: { timeZone: 'UTC', windows: [window], warnBeforeSec: 600, endAtClose: true },
  });
  try {
    const terminal = await openTerminal(server.admin, deviceId);
    const described = `Mon–Sun ${window.start}–${window.end} UTC`;
    await terminal.waitForOutput(
      new RegExp(
        `\\[tether\\] The access window \\(${described}\\) closes in \\d+ s; the session will then be ended`,
      ),
    );
    const closesAt = Math.floor(now.getTime() / 60_000) * 60_000 + 120_000;
    // Past the close by the injected clock; the agent's control channel may notice the jump,
    // which is why this test runs last in the file.
    server.clock.advance(closesAt - server.clock.now().getTime() + 1000);
    const closed = await terminal.closed;
    assert.equal(closed.code, 4403);
    assert.match(closed.reason, /access window .* closed, so the session was ended/);
  } finally {
    await removePolicy(policy);
  }
});
