import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditAction } from '@tether/protocol';
import { actionGroups, actionLabel } from './action-labels.js';
import { auditPath, filtersFromSearch } from './audit-filters.js';

describe('audit filters in the URL', () => {
  it('round-trips every filter through the path', () => {
    const filter = {
      user: '0b6f4c1e-0000-4000-8000-000000000001',
      device: '0b6f4c1e-0000-4000-8000-000000000002',
      actions: ['session.started', 'session.ended'] as AuditAction[],
      from: '2026-01-01T00:00:00.000Z',
      until: '2026-02-01T00:00:00.000Z',
      text: '10.0.0.7 & more',
    };
    const path = auditPath(filter);
    assert.match(path, /^\/audit\?/);
    assert.deepEqual(filtersFromSearch(path.slice('/audit'.length)), filter);
    assert.equal(auditPath({}), '/audit');
  });

  it('leaves out what the API would refuse instead of failing the page', () => {
    assert.deepEqual(filtersFromSearch('?action=auth.login,nope&from=yesterday&q=%20'), {
      actions: ['auth.login'],
    });
  });

  it('gives every known action a label, and groups them all by area', () => {
    const grouped = actionGroups().flatMap((group) => group.actions);
    assert.deepEqual([...grouped].sort(), [...AuditAction.options].sort());
    for (const action of AuditAction.options) assert.notEqual(actionLabel(action), '');
    assert.equal(actionLabel('auth.login'), 'Signed in');
    assert.equal(actionLabel('session.window_closing'), 'Window closing');
  });
});
