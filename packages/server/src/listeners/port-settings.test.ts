import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PortSettings } from '@tether/protocol';
import { loadServerConfig } from '../config/config.js';
import { ListenerBoard } from './listener-board.js';
import { planListeners } from './port-settings.js';

const config = loadServerConfig({ flags: { dataDir: '/tmp/tether' } });

test('the demo defaults: HTTPS 8443, admin 7615, no HTTP listener', () => {
  const plan = planListeners(config, null, []);
  assert.deepEqual(
    [plan.https.requested, plan.http.requested, plan.admin.requested],
    [8443, null, 7615],
  );
  assert.equal(plan.https.source, 'config');
});

test('TETHER_HTTP_PORT and TETHER_HTTPS_PORT turn on and move the listeners', () => {
  const fromEnv = loadServerConfig({
    flags: { dataDir: '/tmp/tether' },
    env: { TETHER_HTTP_PORT: '8080', TETHER_HTTPS_PORT: '9443' },
  });
  const plan = planListeners(fromEnv, null, []);
  assert.equal(plan.http.requested, 8080);
  assert.equal(plan.https.requested, 9443);
});

test('saved ports replace the config; a port given at start wins over them', () => {
  const saved = { https: 443, http: 80, admin: 9615 };
  const plan = planListeners(config, saved, ['admin']);
  assert.deepEqual([plan.https.requested, plan.https.source], [443, 'console']);
  assert.deepEqual([plan.http.requested, plan.http.source], [80, 'console']);
  assert.deepEqual([plan.admin.requested, plan.admin.source], [7615, 'startup']);
});

test('two listeners on one port are refused', () => {
  const parsed = PortSettings.safeParse({ https: 443, http: 443, admin: 7615 });
  assert.equal(parsed.success, false);
  assert.match(parsed.error.issues[0]?.message ?? '', /already the https port/);
  assert.ok(PortSettings.safeParse({ https: 443, http: null, admin: 7615 }).success);
  assert.equal(PortSettings.safeParse({ https: 0, http: null, admin: 7615 }).success, false);
});

test('the board says a restart is needed only while saved ports differ from those in use', () => {
  const board = new ListenerBoard(planListeners(config, null, []), []);
  board.record('https', { status: 'bound', port: 8443 });
  board.record('admin', { status: 'failed', code: 'EACCES', reason: 'permission denied' });
  assert.equal(board.status(null).restartRequired, false);
  assert.equal(board.status({ https: 8443, http: null, admin: 7615 }).restartRequired, false);
  assert.equal(board.status({ https: 443, http: null, admin: 7615 }).restartRequired, true);
  const admin = board.states().find((state) => state.name === 'admin');
  assert.deepEqual([admin?.status, admin?.code], ['failed', 'EACCES']);
});
