import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillPath, matchPath } from './match-path.js';

const id = '0b6f4d2e-8f1a-4c3b-9d2e-5f6a7b8c9d0e';

describe('matchPath', () => {
  it('maps a path to its pattern and back', () => {
    for (const pattern of ['/devices', '/devices/:deviceId', '/devices/:deviceId/terminal']) {
      const path = fillPath(pattern, { deviceId: id });
      assert.notEqual(matchPath(pattern, path), null, path);
      assert.equal(fillPath(pattern, matchPath(pattern, path) ?? {}), path);
    }
  });

  it('decodes parameters and encodes them back', () => {
    assert.deepEqual(matchPath('/policies/:policyId', '/policies/a%2Fb'), { policyId: 'a/b' });
    assert.equal(fillPath('/policies/:policyId', { policyId: 'a/b' }), '/policies/a%2Fb');
  });

  it('treats trailing slashes as the same page', () => {
    assert.deepEqual(matchPath('/recordings', '/recordings/'), {});
  });

  it('does not match other pages, empty segments or malformed encoding', () => {
    assert.equal(matchPath('/devices/:deviceId', '/devices'), null);
    assert.equal(matchPath('/devices/:deviceId', '/devices/a/terminal'), null);
    assert.equal(matchPath('/devices', '/nowhere'), null);
    assert.equal(matchPath('/devices/:deviceId', '/devices/%E0%A4%A'), null);
  });
});
