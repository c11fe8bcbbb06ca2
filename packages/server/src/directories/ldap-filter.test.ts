import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeFilterValue, fillFilter } from './ldap-filter.js';

test('filter metacharacters in a username are escaped (RFC 4515)', () => {
  assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
  assert.equal(escapeFilterValue('a\\b\0'), 'a\\5cb\\00');
  assert.equal(escapeFilterValue('jean.dupont@example.com'), 'jean.dupont@example.com');
});

test('a template gets each placeholder escaped, and unknown ones stay', () => {
  assert.equal(
    fillFilter('(&(member={dn})(cn={other}))', { dn: 'uid=a*,dc=x' }),
    '(&(member=uid=a\\2a,dc=x)(cn={other}))',
  );
});
