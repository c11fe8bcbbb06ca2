import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  DeviceList,
  ErrorBody,
  SERVER_KEY_HANDOVER_PURPOSE,
  ServerKeyInfo,
  ServerKeyList,
  ServerKeyRotated,
  keyHandoverText,
  type KeyHandover,
} from '@tether/protocol';
import { runCli, startCli, stopProcess, waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// Server key rotation (S-6) with real agent processes: one online, one stopped during the
// rotation; both end on the new key without a new enrolment.

let server: TestServer;
/** A client of the admin listener, signed in as the administrator. */
let conf: HttpsClient;
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  server = await createTestServer();
  conf = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  conf.cookie = server.admin.cookie;
});
after(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  await server.close();
});

/** An agent enrolled with the real CLI into its own folder, started and stopped at will. */
async function enrolAgent(token?: string): Promise<{
  deviceId: string;
  dir: string;
  start(): ReturnType<typeof startCli>;
  stop(): Promise<void>;
  output(): string;
}> {
  const installerToken = token ?? (await server.createInstaller()).token;
  const dir = await mkdtemp(join(tmpdir(), 'tether-key-agent-'));
  const enrolled = await runCli([
    ...['agent', 'enroll', '--server', server.url],
    ...['--token', installerToken, '--data-dir', dir],
  ]);
  assert.equal(enrolled.code, 0, enrolled.stderr + enrolled.stdout);
  const deviceId = /device ([0-9a-f-]{36})/.exec(enrolled.stdout)?.[1] ?? '';
  let running: ReturnType<typeof startCli> | undefined;
  let printed = '';
  const stop = async (): Promise<void> => {
    if (running) await stopProcess(running);
    printed += running?.output() ?? '';
    running = undefined;
  };
  cleanups.push(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    deviceId,
    dir,
    start() {
      running = startCli(['agent', 'run', '--data-dir', dir, '--log-level', 'info']);
      return running;
    },
    stop,
    output: () => printed + (running?.output() ?? ''),
  };
}

async function isOnline(deviceId: string): Promise<boolean> {
  const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  return list.devices.some((device) => device.id === deviceId && device.online);
}

function waitOnline(agent: { deviceId: string; output(): string }): Promise<true> {
  return waitFor(
    `device ${agent.deviceId} online`,
    async () => ((await isOnline(agent.deviceId)) ? true : undefined),
    120_000,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${agent.output()}`);
  });
}

async function listKeys(): Promise<ServerKeyInfo[]> {
  const response = await conf.request('GET', '/conf/api/keys');
  assert.equal(response.status, 200, response.text);
  return response.json(ServerKeyList).keys;
}

async function pinnedKey(dir: string): Promise<string> {
  const config = JSON.parse(await readFile(join(dir, 'agent.json'), 'utf8')) as {
    serverPublicKey: string;
  };
  return config.serverPublicKey;
}

/** Waits until the server counts `count` agents on the key `fingerprint`. */
function waitPinned(fingerprint: string, count: number): Promise<ServerKeyInfo[]> {
  return waitFor(
    `${count} agents pinned on ${fingerprint}`,
    async () => {
      const keys = await listKeys();
      const key = keys.find((candidate) => candidate.fingerprint === fingerprint);
      return key?.agentsPinned === count ? keys : undefined;
    },
    120_000,
  );
}

test('online and offline agents end on the rotated key without a new enrolment; old key retired', async () => {
  const online = await enrolAgent();
  online.start();
  await waitOnline(online);
  const offline = await enrolAgent(); // enrolled, never running during the rotation
  const oldInstaller = await server.createInstaller();

  const [original] = await listKeys();
  assert.ok(original);
  assert.equal(original.status, 'current');
  assert.equal(original.agentsPinned, 2);
  assert.equal(await pinnedKey(online.dir), original.publicKey);

  // A terminal session open across the rotation keeps working.
  const terminal = await openTerminal(server.admin, online.deviceId);
  terminal.type('echo "before-$((20 + 1))"\r');
  await terminal.waitForOutput(/before-21/);

  const rotated = await conf.request('POST', '/conf/api/keys/rotate');
  assert.equal(rotated.status, 201, rotated.text);
  const { key: fresh, agentsNotified } = rotated.json(ServerKeyRotated);
  assert.equal(fresh.status, 'current');
  assert.equal(agentsNotified, 1, 'the connected agent was handed over at once');

  // The online agent re-pins over its live connection: no reconnect, no re-enrolment.
  const keys = await waitPinned(fresh.fingerprint, 1);
  assert.equal(keys.find((key) => key.fingerprint === original.fingerprint)?.status, 'previous');
  assert.equal(keys.find((key) => key.fingerprint === original.fingerprint)?.agentsPinned, 1);
  assert.equal(await pinnedKey(online.dir), fresh.publicKey, 'agent.json holds the new key');
  terminal.type('echo "after-$((20 + 2))"\r');
  await terminal.waitForOutput(/after-22/);
  assert.equal(await isOnline(online.deviceId), true);

  // The stopped agent accepts the hand-over when it comes back.
  offline.start();
  await waitOnline(offline);
  await waitPinned(fresh.fingerprint, 2);
  assert.equal(await pinnedKey(offline.dir), fresh.publicKey);

  // An installer made before the rotation still enrols (onto the old key, then handed over).
  const late = await enrolAgent(oldInstaller.token);
  assert.equal(await pinnedKey(late.dir), original.publicKey);
  await waitPinned(original.fingerprint, 1);

  // Retiring a key an agent still pins needs a confirmation.
  const retirePath = `/conf/api/keys/${original.fingerprint}/retire`;
  const refused = await conf.request('POST', retirePath, {});
  assert.equal(refused.status, 409, refused.text);
  assert.match(refused.json(ErrorBody).message, /1 enrolled agent still pins/);
  assert.equal((await listKeys())[0]?.status, 'previous', 'nothing changed');
  const retired = await conf.request('POST', retirePath, { confirm: true });
  assert.equal(retired.status, 200, retired.text);
  assert.equal(retired.json(ServerKeyInfo).status, 'retired');
  const current = await conf.request('POST', `/conf/api/keys/${fresh.fingerprint}/retire`, {});
  assert.equal(current.status, 409, 'the current key cannot be retired');

  // Both agents still connect after the retirement.
  await offline.stop();
  offline.start();
  await waitOnline(offline);
  assert.equal(await isOnline(online.deviceId), true);
  await terminal.close();

  // The agent left on the retired key finds no hand-over it can verify and does not connect.
  late.start();
  await waitFor(
    'the agent on the retired key to refuse the server',
    () => (/Server identity mismatch/.test(late.output()) ? true : undefined),
    120_000,
  );
  assert.equal(await isOnline(late.deviceId), false);
  assert.equal(await pinnedKey(late.dir), original.publicKey, 'it kept its pin');
  // An installer of the retired key no longer enrols.
  const dir = await mkdtemp(join(tmpdir(), 'tether-key-agent-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const stale = await runCli([
    ...['agent', 'enroll', '--server', server.url],
    ...['--token', oldInstaller.token, '--data-dir', dir],
  ]);
  assert.notEqual(stale.code, 0);
  assert.match(stale.stderr + stale.stdout, /server key that has since been retired/);

  const audit = (
    await server.admin.request('GET', '/api/v1/audit?action=settings.changed&q=server.keys')
  ).json(AuditPage);
  const changes = audit.entries.filter((entry) => entry.target === 'server.keys');
  assert.deepEqual(changes.map((entry) => entry.details['change']).sort(), ['retired', 'rotated']);
  await Promise.all([online.stop(), offline.stop(), late.stop()]);
});

test('the headless CLI lists and rotates the keys of a running server, which hands over at once', async () => {
  // The admin listener's key calls want a signed-in administrator.
  const stranger = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  assert.equal((await stranger.request('POST', '/conf/api/keys/rotate')).status, 401);
  assert.equal((await stranger.request('GET', '/conf/api/keys')).status, 401);
  const help = await runCli(['admin', 'keys', 'rotate', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /hand-over/);
  const agent = await enrolAgent();
  agent.start();
  await waitOnline(agent);

  const rotated = await runCli(['admin', 'keys', 'rotate', '--data-dir', server.dataDir]);
  assert.equal(rotated.code, 0, rotated.stderr);
  const fingerprint = /key (\S+) is current/.exec(rotated.stdout)?.[1] ?? '';
  // The running server notices within seconds and pushes the hand-over to the agent.
  await waitPinned(fingerprint, 1);
  const current = (await listKeys()).find((key) => key.status === 'current');
  assert.equal(current?.fingerprint, fingerprint);
  assert.equal(await pinnedKey(agent.dir), current.publicKey);

  const listed = await runCli(['admin', 'keys', 'list', '--data-dir', server.dataDir]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`${fingerprint}\\tcurrent\\t\\S+\\t1 agents`));
  await agent.stop();
});

test('a forged hand-over (signed by the new key, not the pinned one) is refused by the agent', async () => {
  const agent = await enrolAgent();
  agent.start();
  await waitOnline(agent);
  const pinned = await pinnedKey(agent.dir);
  // An impersonator who knows the pinned public key, not its private key, "hands over" to a
  // key of its own, signing the link with that key. Put into the keys folder, the running
  // server serves it as a real one.
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const forgedKey = publicKey.export({ format: 'jwk' }).x ?? '';
  const fingerprint = createHash('sha256')
    .update(Buffer.from(forgedKey, 'base64url'))
    .digest('base64url');
  const keysDir = join(server.dataDir, 'keys');
  await writeFile(
    join(keysDir, 'server-keys', `${fingerprint}.pem`),
    privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    { mode: 0o600 },
  );
  const ring = JSON.parse(await readFile(join(keysDir, 'server-keys.json'), 'utf8')) as {
    keys: { publicKey: string; createdAt: string }[];
    handovers: KeyHandover[];
  };
  const createdAt = new Date().toISOString();
  const link = {
    fromKey: pinned,
    toKey: forgedKey,
    createdAt,
    purpose: SERVER_KEY_HANDOVER_PURPOSE,
  };
  const signature = sign(null, Buffer.from(keyHandoverText(link)), privateKey).toString(
    'base64url',
  );
  ring.keys.push({ publicKey: forgedKey, createdAt });
  ring.handovers.push({ ...link, signature });
  await writeFile(join(keysDir, 'server-keys.json'), JSON.stringify(ring), { mode: 0o600 });

  // Pushed over the live connection: refused, the pin stays.
  await waitFor(
    'the agent to refuse the pushed hand-over',
    () => (/refused a server key hand-over/.test(agent.output()) ? true : undefined),
    120_000,
  );
  assert.equal(await pinnedKey(agent.dir), pinned);
  // Offered in the challenge on the next connection: the agent does not connect.
  await agent.stop();
  agent.start();
  await waitFor(
    'the agent to refuse the forged chain',
    () => (/forged or broken chain/.test(agent.output()) ? true : undefined),
    120_000,
  );
  assert.equal(await isOnline(agent.deviceId), false);
  assert.equal(await pinnedKey(agent.dir), pinned);
  await agent.stop();
});
