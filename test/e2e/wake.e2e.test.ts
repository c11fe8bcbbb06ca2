import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AuditPage, ErrorBody, WakeResult, WakeUpReply, wakeUpText } from '@tether/protocol';
import { runCli, waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';
import { startWakeTestAgent, type WakeTestAgent } from '../support/wake-agents.js';

/** Idle time of passive agents here: long enough to see them connected, short enough to wait. */
const IDLE_SEC = 2;

let server: TestServer;
let dir: string;
let capture: UdpSocket;
/** Every agent started, each stopped once (by its test or at the end). */
const agents: WakeTestAgent[] = [];

before(async () => {
  // Magic packets are captured on a loopback UDP socket instead of port 9.
  capture = createSocket('udp4');
  capture.bind(0, '0.0.0.0');
  await once(capture, 'listening');
  server = await createTestServer({
    config: { wake: { passiveIdleSec: IDLE_SEC, wakeOnLanPort: capture.address().port } },
  });
  dir = await mkdtemp(join(tmpdir(), 'tether-wake-'));
});
after(async () => {
  for (const agent of agents) await agent.stop();
  await server.close();
  await rm(dir, { recursive: true, force: true });
  capture.close();
});

/** Starts an agent for this file's server; `after` stops it if its test did not. */
async function startAgent(options: {
  name: string;
  connectionType: 'active' | 'passive';
  mac: string;
}): Promise<WakeTestAgent> {
  const agent = await startWakeTestAgent(server, {
    dataDir: join(dir, options.name),
    connectionType: options.connectionType,
    mac: options.mac,
  });
  agents.push(agent);
  return agent;
}

const wake = (deviceId: string, body: object = {}) =>
  server.admin.request('POST', `/api/v1/devices/${deviceId}/wake`, body);

/** Sends one line to a passive agent's wake port and reads its answer. */
async function sendLine(port: number, line: string): Promise<WakeUpReply> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setEncoding('utf8');
  await once(socket, 'connect');
  socket.write(`${line}\n`);
  let text = '';
  socket.on('data', (chunk: string) => (text += chunk));
  await once(socket, 'close');
  return WakeUpReply.parse(JSON.parse(text));
}

test('a passive agent disconnects when idle, is woken by a signed wake-up, and refuses forged and replayed ones', async () => {
  const { deviceId, connections, stop } = await startAgent({
    name: 'passive',
    connectionType: 'passive',
    mac: '02:00:00:00:00:01',
  });
  await waitFor('the passive agent to connect, then go idle and disconnect', () =>
    connections.join() === 'true,false' ? true : undefined,
  );
  const address = await server.server.context.store.wakeAddresses.find(deviceId);
  assert.ok(address, 'the server knows where the passive agent listens');
  assert.equal(address.remoteAddress.replace(/^::ffff:/, ''), '127.0.0.1');
  // The agent sees its side close first; the server notices a moment later.
  await waitFor('the server to see the passive agent offline', () =>
    server.server.context.presence.isOnline(deviceId) ? undefined : true,
  );

  const woken = await wake(deviceId);
  assert.equal(woken.status, 200, woken.text);
  const result = woken.json(WakeResult);
  assert.equal(result.method, 'passive');
  assert.equal(result.address, `127.0.0.1:${address.passivePort}`);
  await waitFor('the woken agent to connect', () =>
    connections.length >= 3 && connections[2] === true ? true : undefined,
  );
  await waitFor('it to go idle again', () => (connections.length >= 4 ? true : undefined));

  // A forged wake-up: right shape, signed by a key that is not the server's.
  const forger = generateKeyPairSync('ed25519');
  const forged = { deviceId, nonce: randomBytes(24).toString('base64url'), issuedAt: Date.now() };
  const forgedLine = JSON.stringify({
    ...forged,
    signature: sign(null, Buffer.from(wakeUpText(forged)), forger.privateKey).toString('base64url'),
  });
  assert.deepEqual(await sendLine(address.passivePort, forgedLine), {
    ok: false,
    message: 'Wake-up refused: not signed by the pinned server key.',
  });

  // A genuine wake-up (the server key signs it) works once; the same bytes again are a replay.
  const genuine = { deviceId, nonce: randomBytes(24).toString('base64url'), issuedAt: Date.now() };
  const genuineLine = JSON.stringify({
    ...genuine,
    signature: server.server.context.identity.sign(wakeUpText(genuine)),
  });
  assert.deepEqual(await sendLine(address.passivePort, genuineLine), { ok: true });
  await waitFor('the agent woken by the genuine wake-up to connect', () =>
    connections.length >= 5 && connections[4] === true ? true : undefined,
  );
  assert.deepEqual(await sendLine(address.passivePort, genuineLine), {
    ok: false,
    message: 'Wake-up refused: replayed.',
  });
  assert.equal(connections.length <= 6, true, 'the replay woke nothing');
  await stop();
  // Gone on the server's side too, so the next test's relay is not this agent.
  await waitFor('the passive agent gone', () =>
    server.server.context.presence.isOnline(deviceId) ? undefined : true,
  );
});

test('Wake-on-LAN: magic packets with the SecureOn password through an online agent on the subnet, then a 30 s cooldown', async () => {
  const relay = await startAgent({
    name: 'relay',
    connectionType: 'active',
    mac: '02:00:00:00:00:02',
  });
  await waitFor('the relay online', () =>
    server.server.context.presence.isOnline(relay.deviceId) ? true : undefined,
  );
  const target = await startAgent({
    name: 'sleeper',
    connectionType: 'active',
    mac: '52:54:00:ab:cd:ef',
  });
  await waitFor('the target to report its network', () =>
    target.connections[0] === true ? true : undefined,
  );
  await target.stop();
  await waitFor('the target offline', () =>
    server.server.context.presence.isOnline(target.deviceId) ? undefined : true,
  );

  const online = await wake(relay.deviceId);
  assert.equal(online.status, 409, 'an online device needs no waking');

  const packet = once(capture, 'message') as Promise<[Buffer, { address: string }]>;
  const woken = await wake(target.deviceId, { secureOn: '00:11:22:aa:BB:cc' });
  assert.equal(woken.status, 200, woken.text);
  const result = woken.json(WakeResult);
  assert.equal(result.method, 'wake-on-lan');
  assert.equal(result.via?.id, relay.deviceId);
  assert.deepEqual(result.macs, ['52:54:00:ab:cd:ef']);
  const [bytes] = await packet;
  const mac = Buffer.from('5254 00ab cdef'.replaceAll(' ', ''), 'hex');
  assert.deepEqual(
    bytes,
    Buffer.concat([
      Buffer.alloc(6, 0xff),
      ...Array.from({ length: 16 }, () => mac),
      Buffer.from('001122aabbcc', 'hex'),
    ]),
    '6 × FF, the MAC 16 times, the SecureOn password',
  );

  const again = await wake(target.deviceId);
  assert.equal(again.status, 429, again.text);
  const refusal = ErrorBody.parse(JSON.parse(again.text));
  assert.equal(refusal.code, 'RATE_LIMITED');
  assert.ok(Number(refusal.details?.retryAfterSec) > 25);

  // After the cooldown, headless: `tether devices wake` through the running server's API.
  server.clock.advance(31_000);
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, server.ca);
  const plain = once(capture, 'message') as Promise<[Buffer]>;
  const cli = await runCli(
    [
      'devices',
      'wake',
      target.deviceId,
      '--server',
      server.url,
      '--ca',
      caFile,
      '--username',
      'admin',
    ],
    { env: { TETHER_PASSWORD: ADMIN_PASSWORD } },
  );
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /sent Wake-on-LAN packets for 52:54:00:ab:cd:ef through "/);
  assert.equal((await plain)[0].length, 102, 'no password this time: 6 + 16 × 6 bytes');
  const help = await runCli(['devices', 'wake', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--secure-on PASSWORD/);

  const audit = (await server.admin.request('GET', '/api/v1/audit?action=device.wake')).json(
    AuditPage,
  );
  const rows = audit.entries.filter((entry) => entry.target === target.deviceId);
  assert.equal(rows.length, 2, 'each wake is audited');
  assert.equal(
    rows.some((row) => JSON.stringify(row).includes('001122')),
    false,
    'no password',
  );
});

test('a device nothing can reach is refused with why, and costs no cooldown', async () => {
  const lonely = await startAgent({
    name: 'lonely',
    connectionType: 'active',
    mac: '02:00:00:00:00:09',
  });
  await waitFor('it online', () => (lonely.connections[0] === true ? true : undefined));
  await lonely.stop();
  // Every other agent of this file is offline or passive-idle: nobody relays.
  for (const agent of agents) await agent.stop();
  await waitFor('the server to see every agent gone', () =>
    server.server.context.presence.size === 0 ? true : undefined,
  );
  const refused = await wake(lonely.deviceId);
  assert.equal(refused.status, 503, refused.text);
  assert.match(
    ErrorBody.parse(JSON.parse(refused.text)).message,
    /no online agent is on its subnet/,
  );
  assert.equal((await wake(lonely.deviceId)).status, 503, 'no cooldown after nothing was sent');
});
