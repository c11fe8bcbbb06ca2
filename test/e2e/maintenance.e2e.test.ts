import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  DeviceList,
  DeviceReply,
  type Device,
  ErrorBody,
  MaintenanceSettings,
  type AgentMaintenance,
} from '@tether/protocol';
import { enrollAgent, fixedUserPresence, runAgent, type AgentHandle } from '@tether/agent';
import { installPaths, uninstallAgent } from '@tether/agent/install';
import { createLogger } from '@tether/server';
import { adminClient } from '../support/admin-client.js';
import { runCli, waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const DAY = 24 * 60 * 60_000;
const log = createLogger({ level: 'silent' });

let server: TestServer;
let dir: string;
const agents: AgentHandle[] = [];

before(async () => {
  server = await createTestServer();
  dir = await mkdtemp(join(tmpdir(), 'tether-maintenance-'));
});
after(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Waits until `check` holds (waitFor takes any value but undefined as done, false included). */
const until = (what: string, check: () => Promise<boolean>): Promise<true> =>
  waitFor(what, async () => ((await check()) ? true : undefined));

const saveSettings = (settings: MaintenanceSettings) =>
  adminClient(server).request('PUT', '/conf/api/maintenance', settings);

async function device(id: string): Promise<Device> {
  return (await server.admin.request('GET', `/api/v1/devices/${id}`)).json(DeviceReply).device;
}

/** Enrols an in-process agent into `dataDir` and runs it; resolves once it is online. */
async function startAgent(dataDir: string): Promise<{ agent: AgentHandle; deviceId: string }> {
  const { token } = await server.createInstaller();
  const { deviceId } = await enrollAgent({ serverUrl: server.url, token, dataDir, log });
  const agent = await runAgent({
    dataDir,
    log,
    spareShell: false,
    userPresence: fixedUserPresence('absent'),
    uninstall: () => Promise.reject(new Error('no deadline passes in this test')),
  });
  agents.push(agent);
  await until('the agent online', async () => {
    const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
    return list.devices.some((candidate) => candidate.id === deviceId && candidate.online);
  });
  return { agent, deviceId };
}

async function agentMaintenance(dataDir: string): Promise<AgentMaintenance | undefined> {
  try {
    return JSON.parse(
      await readFile(join(dataDir, 'maintenance.json'), 'utf8'),
    ) as AgentMaintenance;
  } catch {
    return undefined;
  }
}

test('maintenance settings are validated, audited, and reach connected agents at once', async () => {
  const dataDir = join(dir, 'settings-agent');
  await startAgent(dataDir);
  const refused = await saveSettings({
    lostAfterDays: 30,
    deleteAfterDays: 20,
    onLocalUninstall: 'mark',
    restrictLocalUninstall: false,
  });
  assert.equal(refused.status, 422, refused.text);
  const error = refused.json(ErrorBody);
  assert.equal(error.code, 'INVALID_INPUT');
  assert.match(error.message, /flagged lost before it is deleted/);
  const unchanged = (await adminClient(server).request('GET', '/conf/api/maintenance')).json(
    MaintenanceSettings,
  );
  assert.equal(unchanged.deleteAfterDays, null, 'nothing changed');

  const saved = await saveSettings({
    lostAfterDays: 15,
    deleteAfterDays: 20,
    onLocalUninstall: 'mark',
    restrictLocalUninstall: true,
  });
  assert.equal(saved.status, 200, saved.text);
  // The agent keeps its deadline in its data folder, so it holds while the server is away.
  await until('the agent to save its new deadline', async () => {
    const kept = await agentMaintenance(dataDir);
    return kept?.deleteAfterOfflineMinutes === 20 * 24 * 60 && kept.restrictLocalUninstall;
  });
  const audit = (await server.admin.request('GET', '/api/v1/audit?action=settings.changed')).json(
    AuditPage,
  );
  const row = audit.entries.find((entry) => entry.target === 'maintenance');
  assert.ok(row, 'the change is audited');
  assert.equal(row.actor, 'admin');
});

test('a device offline past the lost threshold is flagged lost, administrators get agent.lost, and it is not lost any more once back', async () => {
  const hook = await startWebhookReceiver();
  const routed = await adminClient(server).request('PUT', '/conf/api/notifications', {
    webhooks: [{ id: 'ops', url: hook.url, kinds: ['agent.lost'], secret: 'maintenance-test' }],
    kinds: { 'agent.lost': { enabled: true, recipients: [] } },
  });
  assert.equal(routed.status, 200, routed.text);
  await saveSettings({
    lostAfterDays: 15,
    deleteAfterDays: null,
    onLocalUninstall: 'mark',
    restrictLocalUninstall: false,
  });
  const dataDir = join(dir, 'lost-agent');
  const { agent, deviceId } = await startAgent(dataDir);
  await agent.stop();
  await until('the device offline', async () => !(await device(deviceId)).online);
  server.clock.advance(16 * DAY);
  await signInAgain(); // sixteen days later the console session has expired
  const swept = await server.server.context.maintenance.sweep();
  assert.ok(swept.lost.includes(deviceId));
  const lost = await device(deviceId);
  assert.ok(lost.lostAt, 'the API says since when it is lost');
  const audit = (await server.admin.request('GET', '/api/v1/audit?action=device.lost')).json(
    AuditPage,
  );
  assert.ok(audit.entries.some((entry) => entry.target === deviceId));
  const call = await waitFor('the agent.lost webhook', () =>
    hook.calls.find((candidate) => candidate.details?.['deviceId'] === deviceId),
  );
  assert.equal(call.kind, 'agent.lost');
  assert.match(call.subject, /^Device .+ is lost$/);
  assert.match(call.text, /has not connected for more than 15 days/);
  hook.server.close();

  const back = await startAgentAgain(dataDir);
  agents.push(back);
  await until('the device online again', async () => (await device(deviceId)).online);
  await server.server.context.maintenance.sweep();
  assert.equal((await device(deviceId)).lostAt, null);
});

test('tether-agent uninstall: restricted to root when set, and the server marks the device uninstalled', async () => {
  await saveSettings({
    lostAfterDays: 15,
    deleteAfterDays: null,
    onLocalUninstall: 'mark',
    restrictLocalUninstall: true,
  });
  // A user install under a private root: the agent's identity where the install says.
  const root = join(dir, 'root');
  const paths = installPaths({ mode: 'user', home: '/home/ada' });
  const dataDir = join(root, paths.dataDir);
  const { agent, deviceId } = await startAgent(dataDir);
  await until('the restriction saved', async () =>
    Boolean((await agentMaintenance(dataDir))?.restrictLocalUninstall),
  );
  await mkdir(join(root, paths.installDir), { recursive: true });
  await writeFile(
    join(root, paths.installDir, 'install.json'),
    JSON.stringify({
      format: 1,
      paths,
      version: '0.0.0',
      deviceId,
      installedAt: new Date().toISOString(),
      isInPlace: false,
      hasCreatedAccount: false,
    }),
  );
  // What the unit's stop does before the report.
  await agent.stop();
  const lines: string[] = [];
  const uninstall = (uid: number) =>
    uninstallAgent({
      root,
      installDir: paths.installDir,
      isPurge: false,
      env: { HOME: '/home/ada' },
      uid,
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
    });
  await assert.rejects(uninstall(1000), /restricted to root by the administrator/);
  assert.equal((await device(deviceId)).uninstalledAt, null, 'a refused uninstall reports nothing');

  assert.equal(await uninstall(0), 0);
  assert.ok(lines.includes('Told the server that the agent is uninstalled.'), lines.join('\n'));
  const marked = await device(deviceId);
  assert.ok(marked.uninstalledAt, 'marked uninstalled');
  assert.equal(marked.online, false);
  const audit = (await server.admin.request('GET', '/api/v1/audit?action=device.uninstalled')).json(
    AuditPage,
  );
  const row = audit.entries.find((entry) => entry.target === deviceId);
  assert.equal(row?.details['outcome'], 'marked');
});

test('tether admin maintenance shows and sets the settings headless', async () => {
  const help = await runCli(['admin', 'maintenance', 'set', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--restrict-local-uninstall on\|off/);
  const set = await runCli([
    ...['admin', 'maintenance', 'set', '--lost-days', '20', '--delete-days', 'never'],
    ...['--on-local-uninstall', 'remove', '--data-dir', server.dataDir],
  ]);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /lost after: +20 days/);
  assert.match(set.stdout, /on local uninstall: +remove the device/);
  const bad = await runCli([
    ...['admin', 'maintenance', 'set', '--delete-days', '10', '--data-dir', server.dataDir],
  ]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Maintenance settings not saved/);
  const shown = (await adminClient(server).request('GET', '/conf/api/maintenance')).json(
    MaintenanceSettings,
  );
  assert.equal(shown.lostAfterDays, 20);
  assert.equal(shown.onLocalUninstall, 'remove');
});

interface HookCall {
  kind: string;
  subject: string;
  text: string;
  details?: Record<string, unknown>;
}

/** A webhook receiver on loopback recording each notification's body. */
async function startWebhookReceiver(): Promise<{ url: string; calls: HookCall[]; server: Server }> {
  const calls: HookCall[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      calls.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookCall);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, calls, server: receiver };
}

async function signInAgain(): Promise<void> {
  const login = await server.admin.request('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  assert.equal(login.status, 200, login.text);
}

/** The same agent (same identity) started again. */
async function startAgentAgain(dataDir: string): Promise<AgentHandle> {
  return runAgent({
    dataDir,
    log,
    spareShell: false,
    userPresence: fixedUserPresence('absent'),
  });
}
