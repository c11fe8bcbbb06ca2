import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoute, routePath, type Route } from './routes.js';

const id = '0b6f4d2e-8f1a-4c3b-9d2e-5f6a7b8c9d0e';

describe('routes', () => {
  it('maps every page path and back', () => {
    const routes: Route[] = [
      { page: 'login' },
      { page: 'devices' },
      { page: 'device', deviceId: id },
      { page: 'terminal', deviceId: id },
      { page: 'files', deviceId: id },
      { page: 'desktop', deviceId: id },
      { page: 'recordings' },
      { page: 'player', recordingId: id },
      { page: 'installers' },
      { page: 'settings' },
      { page: 'audit' },
      { page: 'policies' },
      { page: 'new-policy' },
      { page: 'policy', policyId: id },
    ];
    for (const route of routes) assert.deepEqual(parseRoute(routePath(route)), route);
  });

  it('treats / and trailing slashes as the same page', () => {
    assert.deepEqual(parseRoute('/'), { page: 'devices' });
    assert.deepEqual(parseRoute('/recordings/'), { page: 'recordings' });
  });

  it('reports unknown and malformed paths as not found', () => {
    assert.deepEqual(parseRoute('/nowhere'), { page: 'not-found', path: '/nowhere' });
    assert.deepEqual(parseRoute('/devices/%E0%A4%A'), {
      page: 'not-found',
      path: '/devices/%E0%A4%A',
    });
  });
});
