import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { createAuditLog } from '../src/audit/audit-log.js';
import { hashPassword } from '../src/auth/password-hash.js';
import { IdentityProof } from '../src/auth/second-factors/identity-proof.js';
import { SignInThrottle } from '../src/auth/sign-in-throttle.js';
import { systemClock } from '../src/clock.js';
import { createLogger } from '../src/logging.js';
import { secretBox } from '../src/keys/secret-box.js';
import { ControlGrants } from '../src/oem/control-grants.js';
import { createPolicyService } from '../src/policies/policy-service.js';
import { RelayTickets } from '../src/sessions/relay-tickets.js';
import type { StorageConnector } from '../src/storage/index.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { addDevice, addSession, addUser } from '../src/store/test/fixtures.js';
import { PasswordCheck } from '../src/unattended/password-check.js';
import { createUploadQueue } from '../src/uploads/upload-queue.js';
import { startPostgres, type PostgresInstance } from './support/postgres.js';

const log = createLogger({ level: 'silent' });
const clock = systemClock;
const STORAGE = {
  url: 'sftp://rec@files.example:22/srv/tether',
  hostKey: `SHA256:${'A'.repeat(43)}`,
  authentication: 'password' as const,
  credential: '-----BEGIN CMS-----\nMIIB\n-----END CMS-----\n',
};

/** One node's view: its own connection pool on the shared database. */
interface Node {
  store: Store;
  tickets: RelayTickets;
  grants: ControlGrants;
  passwords: PasswordCheck;
}

async function startNode(url: string): Promise<Node> {
  const store = await openStore(url);
  const deps = { store, clock, log, audit: createAuditLog({ store, clock, log }) };
  return {
    store,
    tickets: new RelayTickets(deps, 60_000),
    grants: new ControlGrants(deps),
    passwords: new PasswordCheck(deps),
  };
}

/** How many of the attempts succeeded, and the refusals of the others. */
async function outcomes<T>(attempts: Promise<T>[]): Promise<{ won: T[]; refused: unknown[] }> {
  const settled = await Promise.allSettled(attempts);
  return {
    won: settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])),
    refused: settled.flatMap((result): unknown[] =>
      result.status === 'rejected' ? [result.reason] : [],
    ),
  };
}

/** Polls until `check` gives a value; the deadline only matters when the event never comes. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const code = (error: unknown): string | undefined =>
  error instanceof AppError ? error.code : undefined;

describe('shared one-time state on two nodes of one PostgreSQL database', () => {
  let postgres: PostgresInstance;
  let a: Node;
  let b: Node;
  before(async () => {
    postgres = await startPostgres();
    a = await startNode(postgres.url);
    b = await startNode(postgres.url);
  });
  after(async () => {
    await Promise.all([a.store.close(), b.store.close()]);
    await postgres.stop();
  });

  it('a relay token used on both nodes at the same moment admits exactly one end', async () => {
    for (let round = 0; round < 10; round += 1) {
      const sessionId = randomUUID();
      const { token } = await a.tickets.issue(sessionId, 'console');
      const { won, refused } = await outcomes([
        a.tickets.redeem(sessionId, token),
        b.tickets.redeem(sessionId, token),
      ]);
      assert.deepEqual(won, ['console']);
      assert.match(String(refused[0]), /already used; open a new session/);
    }
  });

  it('an OEM control URL opened on both nodes at the same moment is taken once', async () => {
    for (let round = 0; round < 10; round += 1) {
      const ref = { deviceId: randomUUID(), deviceKeyId: 'key-1', targetNonce: randomUUID() };
      await a.grants.add({
        ...ref,
        tenantId: 'tenant-1',
        controlType: 'attended',
        tokenId: 'token-1',
        expiresAt: clock.now().getTime() + 60_000,
      });
      const taken = await Promise.all([b.grants.take(ref), a.grants.take(ref)]);
      assert.equal(taken.filter((grant) => grant !== undefined).length, 1);
    }
  });

  it('an unattended password used on both nodes at the same moment connects exactly one technician', async () => {
    const device = await addDevice(a.store, 'kiosk-01');
    const accessId = '123456789';
    await a.store.unattended.create({
      id: accessId,
      deviceId: device.id,
      mode: 'unattended',
      state: 'waiting',
      passwordHash: await hashPassword('right-password-1'),
      createdAt: clock.now(),
      createdBy: 'admin',
      expiresAt: new Date(clock.now().getTime() + 3_600_000),
    });
    // What UnattendedService.connect does on each node: the password, then the conditional
    // connect of the access.
    const connect = async (node: Node, userId: string): Promise<string> => {
      const access = await node.passwords.check({
        actor: userId,
        accessId,
        access: await node.store.unattended.find(accessId),
        password: 'right-password-1',
        sourceAddress: '192.0.2.1',
      });
      if (!(await node.store.unattended.connect(access.id, { userId, at: clock.now() })))
        throw new AppError('CONFLICT', 'Another technician holds this access.');
      return userId;
    };
    const { won, refused } = await outcomes([connect(a, 'tech-a'), connect(b, 'tech-b')]);
    assert.equal(won.length, 1);
    assert.equal(code(refused[0]), 'CONFLICT');
  });

  it('wrong one-time passwords on both nodes count against one budget', async () => {
    const accessId = '987654321';
    const guess = (node: Node) =>
      node.passwords.check({
        actor: 'guesser',
        accessId,
        access: undefined,
        password: 'wrong',
        sourceAddress: '192.0.2.9',
      });
    // Four wrong guesses, two on each node: apart, each node would still allow more.
    for (const node of [a, b, a, b]) await assert.rejects(guess(node), { code: 'AUTH_FAILED' });
    for (const node of [a, b])
      await assert.rejects(guess(node), {
        code: 'RATE_LIMITED',
        message:
          /^Too many wrong one-time passwords for this session: wait \d+ s before trying again\.$/,
      });
  });

  it('sign-in guesses on both nodes count against one throttle', async () => {
    const throttles = [a, b].map(
      (node) => new SignInThrottle({ counters: node.store.guessCounters, clock }),
    );
    // Three free failures per account and source, then a delay: spread over two nodes, the
    // fifth attempt waits, as it would on one node.
    const decisions = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      decisions.push(await throttles[attempt % 2]?.reserve('alice', '192.0.2.44'));
    assert.deepEqual(
      decisions.map((decision) => decision?.ok),
      [true, true, true, true, false],
    );
  });

  it('wrong second-factor codes on both nodes count against one limit', async () => {
    const user = await addUser(a.store, 'guesser');
    const proofs = [a, b].map(
      (node) =>
        new IdentityProof({
          store: node.store,
          clock,
          secrets: secretBox(randomBytes(32)),
          logins: { checkPassword: () => Promise.resolve(false) },
        }),
    );
    // A stolen session guessing codes to remove a factor: three free wrong codes, then a
    // delay, whichever node each guess goes to.
    const outcomes = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      outcomes.push(
        await proofs[attempt % 2]
          ?.checkCode(user.id, '123456')
          .catch((error: unknown) => code(error)),
      );
    assert.deepEqual(outcomes, [false, false, false, false, 'RATE_LIMITED']);
  });

  /** A complete recording in `recordingsDir`, queued for upload; returns its id. */
  async function queuedRecording(recordingsDir: string, name: string): Promise<string> {
    const user = await addUser(a.store, `tech-${name}`);
    const device = await addDevice(a.store, name);
    const session = await addSession(a.store, { device, user });
    const path = `2026-12/${session.id}.cast`;
    await mkdir(dirname(join(recordingsDir, path)), { recursive: true });
    await writeFile(join(recordingsDir, path), '{"version":2}\n');
    const recording = await a.store.recordings.create({
      id: randomUUID(),
      ...{ sessionId: session.id, deviceId: device.id, userId: user.id, path },
      ...{ kind: 'terminal', format: 'asciicast-v2', startedAt: clock.now() },
    });
    await a.store.recordings.finish(recording.id, {
      ...{ state: 'complete', endedAt: clock.now(), durationMs: 1, sizeBytes: 14 },
    });
    const enqueued = await a.store.uploads.enqueue({
      ...{ recordingId: recording.id, deviceId: device.id, target: STORAGE.url },
      ...{ storage: STORAGE, at: clock.now() },
    });
    assert.equal(enqueued, true);
    return recording.id;
  }

  /** A node's upload queue, uploading with `connector`, its recordings in `recordingsDir`. */
  const queueOn = (node: Node, connector: StorageConnector, recordingsDir: string) =>
    createUploadQueue({
      ...{ store: node.store, clock, log, recordingsDir, connector, claimLeaseMs: 1500 },
      audit: createAuditLog({ store: node.store, clock, log }),
      policies: createPolicyService({
        store: node.store,
        clock,
        audit: createAuditLog({ store: node.store, clock, log }),
        checkStorage: () => Promise.resolve(),
      }),
      storage: {
        certsDir: recordingsDir,
        privateDir: recordingsDir,
        retryBaseSec: 3600,
        retryMaxSec: 3600,
      },
    });
  const refusing = (message: string): StorageConnector => ({
    connect: () => Promise.reject(new AppError('UNAVAILABLE', message)),
    test: () => Promise.reject(new Error('unused')),
  });

  it('a node uploads only the recordings it holds; the node holding the file does it', async () => {
    const [dirA, dirB] = [
      await mkdtemp(join(tmpdir(), 'tether-node-a-')),
      await mkdtemp(join(tmpdir(), 'tether-node-b-')),
    ];
    try {
      const recordingId = await queuedRecording(dirA, 'held-by-a');
      const onB = queueOn(b, refusing('node B reached the target'), dirB);
      onB.start({ id: 'node-b', isClustered: true });
      // B looks at the due upload and leaves it: the file is on A's disk, not a failure of B's.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const untouched = await b.store.uploads.find(recordingId);
      assert.equal(untouched?.attempts, 0, 'node B did not try');
      assert.equal(untouched.lastError, null);
      const onA = queueOn(a, refusing('node A reached the target'), dirA);
      onA.start({ id: 'node-a', isClustered: true });
      const upload = await waitFor(
        'node A to attempt its recording',
        async () => {
          const row = await a.store.uploads.find(recordingId);
          return row?.state === 'failed' ? row : undefined;
        },
        30_000,
      );
      assert.equal(upload.lastError, 'node A reached the target');
      assert.equal(upload.attempts, 1);
      await Promise.all([onA.stop(), onB.stop()]);
    } finally {
      await rm(dirA, { recursive: true, force: true });
      await rm(dirB, { recursive: true, force: true });
    }
  });

  it('an upload claimed by a node that stopped is taken over by the other', async () => {
    // One recordings folder for both nodes, as on shared storage: B can reach A's file.
    const recordingsDir = await mkdtemp(join(tmpdir(), 'tether-shared-uploads-'));
    try {
      const recordingId = await queuedRecording(recordingsDir, 'web-01');
      // Node A's upload hangs; node B's target answers at once (with a refusal it records).
      let isAConnecting = false;
      const hanging: StorageConnector = {
        connect: () => {
          isAConnecting = true;
          return new Promise(() => undefined);
        },
        test: () => Promise.reject(new Error('unused')),
      };
      const onA = queueOn(a, hanging, recordingsDir);
      onA.start({ id: 'node-a', isClustered: true });
      await waitFor('node A to claim the upload', () => isAConnecting || undefined, 30_000);
      const onB = queueOn(b, refusing('node B reached the target'), recordingsDir);
      onB.start({ id: 'node-b', isClustered: true });
      // Node A keeps its claim while it lives…
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal((await b.store.uploads.find(recordingId))?.state, 'uploading');
      // …and stops renewing it when it dies (its database connections are gone).
      await a.store.close();
      const upload = await waitFor(
        'node B to take the upload over',
        async () => {
          const row = await b.store.uploads.find(recordingId);
          return row?.state === 'failed' ? row : undefined;
        },
        30_000,
      );
      assert.equal(upload.lastError, 'node B reached the target');
      assert.equal(upload.attempts, 2, 'one attempt on A, then one on B');
      await onB.stop();
      await onA.stop();
    } finally {
      a = await startNode(postgres.url);
      await rm(recordingsDir, { recursive: true, force: true });
    }
  });
});
