import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { AppError } from '@tether/protocol/agent';
import type { InstallerConfig } from '@tether/protocol/agent-package';
import { installArguments } from './install-arguments.js';
import { resolveOverrides } from './install-overrides.js';

const config = (overridable: InstallerConfig['overridable']): InstallerConfig => ({
  format: 1,
  installerId: randomUUID(),
  serverUrl: 'https://tether.example.com',
  token: 'tet1.x.y',
  attributes: {
    group: 'Servers',
    name: null,
    comments: '',
    tag: null,
    jumpPolicy: null,
    sessionPolicyPresent: null,
    sessionPolicyNotPresent: null,
    publicSiteAddress: null,
    connectionType: 'active',
    maxOfflineMinutes: null,
    mode: 'service',
    minimizeOnStart: false,
  },
  overridable,
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
});

const refusal = (code: string, message: RegExp) => (error: unknown) =>
  error instanceof AppError && error.code === code && message.test(error.message);

test('KEY=value words and JC_ variables give the same options as flags; flags win, then words', () => {
  const args = installArguments(
    { 'jc-tag': 'from-flag' },
    {
      positionals: [
        'JC_TAG=from-word',
        'JC_COMMENTS=rack 4',
        'INSTALL_DIR=/srv/agent',
        'SILENT=1',
        'JC_EPHEMERAL=yes',
      ],
      env: { JC_TAG: 'from-env', JC_NAME: 'web-01', JC_UNRELATED: 'x' },
    },
  );
  assert.deepEqual(args.overrides, {
    'jc-name': 'web-01',
    'jc-tag': 'from-flag',
    'jc-comments': 'rack 4',
    'jc-ephemeral': true,
  });
  assert.equal(args.installDir, '/srv/agent');
  assert.equal(args.isSilent, true);
  assert.equal(args.shouldStart, true);
  assert.equal(args.root, '/');
});

test('an unknown KEY=value word is refused rather than ignored', () => {
  assert.throws(
    () => installArguments({}, { positionals: ['JC_TAGG=web'], env: {} }),
    refusal('INVALID_INPUT', /JC_TAGG is not an install option/),
  );
  assert.throws(
    () => installArguments({}, { positionals: ['--jc-tag'], env: {} }),
    refusal('INVALID_INPUT', /is not an option/),
  );
});

test('--mode is the jc-mode override', () => {
  assert.deepEqual(installArguments({ mode: 'user' }, { positionals: [], env: {} }).overrides, {
    'jc-mode': 'user',
  });
});

test('overrides become attributes: jumpgroup:NAME, ephemeral as five minutes, numbers checked', () => {
  const all = config(['group', 'maxOfflineMinutes', 'tag', 'minimizeOnStart']);
  assert.deepEqual(
    resolveOverrides(
      {
        'jc-jump-group': 'jumpgroup:Kiosks',
        'jc-ephemeral': true,
        'jc-tag': 'web',
        'jc-minimize-on-start': true,
      },
      all,
    ),
    { group: 'Kiosks', maxOfflineMinutes: 5, tag: 'web', minimizeOnStart: true },
  );
  assert.deepEqual(resolveOverrides({ 'jc-max-offline-minutes': '90' }, all), {
    maxOfflineMinutes: 90,
  });
  assert.throws(
    () => resolveOverrides({ 'jc-max-offline-minutes': 'soon' }, all),
    refusal('INVALID_INPUT', /whole number of minutes/),
  );
  assert.throws(
    () => resolveOverrides({ 'jc-max-offline-minutes': '2' }, all),
    refusal('INVALID_INPUT', /^--jc-max-offline-minutes: /),
  );
  assert.throws(
    () => resolveOverrides({ 'jc-jump-group': 'user:alice' }, all),
    refusal('INVALID_INPUT', /no personal device groups/),
  );
  assert.throws(
    () => resolveOverrides({ 'jc-ephemeral': true, 'jc-max-offline-minutes': '60' }, all),
    refusal('INVALID_INPUT', /not both/),
  );
});

test('an override of an attribute the installer does not allow is refused with the option and the attribute', () => {
  assert.throws(
    () => resolveOverrides({ 'jc-connection-type': 'passive' }, config(['tag'])),
    refusal(
      'FORBIDDEN',
      /^--jc-connection-type: this installer does not allow overriding "connectionType"/,
    ),
  );
  assert.throws(
    () => resolveOverrides({ 'jc-connection-type': 'sometimes' }, config(['connectionType'])),
    refusal('INVALID_INPUT', /^--jc-connection-type: /),
  );
});
