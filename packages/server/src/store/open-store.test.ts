import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { parseStoreUrl } from './open-store.js';
import { redactUrl } from './postgres.js';

describe('parseStoreUrl', () => {
  it('reads PostgreSQL URLs in both spellings', () => {
    const url = 'postgres://tether:secret@db:5432/tether';
    assert.deepEqual(parseStoreUrl(url), { engine: 'postgres', url });
    assert.deepEqual(parseStoreUrl('postgresql://db/tether'), {
      engine: 'postgres',
      url: 'postgresql://db/tether',
    });
  });

  it('reads sqlite: URLs and plain paths as SQLite files', () => {
    const cases: [string, string][] = [
      ['sqlite:/var/lib/tether/tether.db', '/var/lib/tether/tether.db'],
      ['sqlite:///var/lib/tether/tether.db', '/var/lib/tether/tether.db'],
      ['sqlite:data/tether.db', 'data/tether.db'],
      ['sqlite::memory:', ':memory:'],
      ['/var/lib/tether/tether.db', '/var/lib/tether/tether.db'],
      ['./tether-data/tether.db', './tether-data/tether.db'],
      ['C:\\tether\\tether.db', 'C:\\tether\\tether.db'],
    ];
    for (const [url, file] of cases)
      assert.deepEqual(parseStoreUrl(url), { engine: 'sqlite', file }, url);
  });

  it('refuses other schemes and empty values, naming the forms that work, without echoing secrets', () => {
    for (const url of ['mysql://root:hunter2@db/tether', 'http://db', '', 'sqlite:']) {
      assert.throws(
        () => parseStoreUrl(url),
        (error) =>
          error instanceof AppError &&
          error.code === 'INVALID_INPUT' &&
          error.message.includes('postgres://') &&
          !error.message.includes('hunter2'),
        url,
      );
    }
  });
});

describe('redactUrl', () => {
  it('hides the password of a database URL', () => {
    assert.equal(
      redactUrl('postgres://tether:secret@db:5432/tether'),
      'postgres://tether:***@db:5432/tether',
    );
    assert.equal(redactUrl('postgres://db/tether'), 'postgres://db/tether');
  });
});
