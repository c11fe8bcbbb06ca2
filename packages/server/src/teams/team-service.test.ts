import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { createAuditLog } from '../audit/audit-log.js';
import { systemClock } from '../clock.js';
import { createLogger } from '../logging.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { addUser } from '../store/test/fixtures.js';
import { createUserService } from '../users/user-service.js';
import { headlessLoginControl } from '../users/headless-logins.js';
import { createTeamService, type TeamService } from './team-service.js';

const ACTOR = { username: 'admin' };

describe('team service', () => {
  let dir: string;
  let store: Store;
  let teams: TeamService;
  let audit: ReturnType<typeof createAuditLog>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-teams-'));
    store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
    audit = createAuditLog({
      store,
      clock: systemClock,
      log: createLogger({ level: 'silent' }),
    });
    teams = createTeamService({ store, clock: systemClock, audit });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncTeamsByName makes the teams exactly the named ones and returns unknown names', async () => {
    const jo = await addUser(store, 'jo');
    const a = await teams.create({ name: 'Servers team' }, ACTOR);
    const b = await teams.create({ name: 'Desk' }, ACTOR);
    await teams.addMember(b.id, jo.id, ACTOR);
    const unknown = await teams.syncTeamsByName(jo.id, ['servers TEAM', 'Nobody'], ACTOR);
    assert.deepEqual(unknown, ['Nobody']);
    const listed = await teams.list();
    const members = (id: string) =>
      listed.find((team) => team.id === id)?.members.map((member) => member.username);
    assert.deepEqual(members(a.id), ['jo']);
    assert.deepEqual(members(b.id), [], 'a team not named any more is left');
    const audited = await store.audit.list({ limit: 10, action: 'team.member_added' });
    const count = audited.length;
    await teams.syncTeamsByName(jo.id, ['Servers team'], ACTOR);
    assert.equal(
      (await store.audit.list({ limit: 10, action: 'team.member_added' })).length,
      count,
      'a sign-in that changes nothing writes nothing',
    );
  });

  it('deleting a user removes their memberships and their own grants', async () => {
    const jo = await addUser(store, 'jo');
    // Deleting needs another enabled administrator to remain.
    const admin = await addUser(store, 'admin');
    await store.users.update(admin.id, { role: 'administrator' });
    const a = await teams.create({ name: 'A' }, ACTOR);
    await teams.addMember(a.id, jo.id, ACTOR);
    await teams.setGrant(
      { subject: { kind: 'user', id: jo.id }, group: 'Servers', rights: ['terminal'] },
      ACTOR,
    );
    const users = createUserService({
      store,
      clock: systemClock,
      audit,
      logins: headlessLoginControl(store),
    });
    await users.delete(jo.id, ACTOR);
    assert.deepEqual((await teams.list())[0]?.members, []);
    assert.deepEqual((await teams.listGrants({})).grants, []);
    assert.deepEqual(await store.grants.forUser(jo.id), []);
  });

  it('refuses a grant of an unknown right or to a missing team, and changes nothing', async () => {
    const a = await teams.create({ name: 'A' }, ACTOR);
    await assert.rejects(
      teams.setGrant(
        // @ts-expect-error -- an unknown right, as a caller of the API may send
        { subject: { kind: 'team', id: a.id }, group: 'Servers', rights: ['fly'] },
        ACTOR,
      ),
      (error: unknown) => error instanceof AppError && error.code === 'INVALID_INPUT',
    );
    await assert.rejects(
      teams.setGrant(
        {
          subject: { kind: 'team', id: '7d6c1f0e-0000-4000-8000-000000000000' },
          group: 'Servers',
          rights: ['terminal'],
        },
        ACTOR,
      ),
      (error: unknown) => error instanceof AppError && error.code === 'NOT_FOUND',
    );
    const list = await teams.listGrants({});
    assert.deepEqual(list, { enforced: false, grants: [] });
  });
});
