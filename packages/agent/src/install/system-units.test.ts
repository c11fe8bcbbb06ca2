import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installPaths } from './install-paths.js';
import {
  autostartEntry,
  commandLine,
  serviceCommand,
  serviceUnit,
  userUnit,
} from './system-units.js';

test('the service unit runs the launcher as its own account with the hardening it documents', () => {
  const unit = serviceUnit(installPaths({ mode: 'service' }));
  for (const line of [
    'User=tether-agent',
    'ExecStart=/opt/tether-agent/tether-agent run --data-dir /var/lib/tether-agent',
    'Restart=always',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ReadWritePaths=/var/lib/tether-agent /opt/tether-agent',
    'PrivateTmp=yes',
    'WantedBy=multi-user.target',
  ]) {
    assert.ok(unit.split('\n').includes(line), `${line} in\n${unit}`);
  }
});

test('an install folder with a space stays one word in ExecStart and in the autostart entry', () => {
  const paths = installPaths({ mode: 'user', home: '/home/al ice' });
  assert.deepEqual(serviceCommand(paths), [
    '/home/al ice/.local/share/tether-agent/tether-agent',
    'run',
    '--data-dir',
    '/home/al ice/.tether-agent',
  ]);
  assert.match(
    userUnit(paths),
    /^ExecStart="\/home\/al ice\/\.local\/share\/tether-agent\/tether-agent" run --data-dir "\/home\/al ice\/\.tether-agent"$/m,
  );
  assert.match(autostartEntry(paths), /^Exec=sh -c '.*exec "\/home\/al ice\//m);
  assert.equal(commandLine(['a$b']), '"a\\$b"');
});
