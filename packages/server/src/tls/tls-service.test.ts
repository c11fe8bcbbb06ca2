import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { test } from 'node:test';
import { TestClock, type Notification } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { loadServerConfig } from '../config/config.js';
import { certificateFingerprint } from '../keys/tls.js';
import { createSelfSignedCertificate } from '../keys/self-signed-certificate.js';
import { createLogger } from '../logging.js';
import { TlsService } from './tls-service.js';

const DAY_MS = 86_400_000;

test('the daily check on the server clock notifies 30, 7 and 1 days ahead, each once', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tether-tls-service-'));
  try {
    const clock = new TestClock(Date.UTC(2026, 5, 1));
    const values = new Map<string, unknown>();
    const sent: Notification[] = [];
    const pair = createSelfSignedCertificate({
      commonName: 'expiring',
      names: ['localhost'],
      validDays: 40,
      now: clock.now(),
    });
    const service = await TlsService.create(
      {
        config: loadServerConfig({ flags: { dataDir } }),
        settings: {
          get: (key) => Promise.resolve(values.get(key)),
          set: (key, value) => Promise.resolve(void values.set(key, value)),
        },
        clock,
        log: createLogger({ level: 'silent' }),
        audit: {} as AuditLog,
        notifications: () => ({ notify: (notification) => void sent.push(notification) }),
        connectedAgents: () => ({ connected: 0, withoutNotice: 0 }),
        announceCertificate: () => undefined,
        publicUrl: () => 'https://localhost:8443',
      },
      {
        cert: pair.cert,
        key: pair.key,
        fingerprint: certificateFingerprint(pair.cert),
        selfSigned: false,
        source: 'configured',
      },
    );
    service.start({ watchSavedChanges: false });
    const thresholds = (): unknown[] => sent.map((notification) => notification.details?.threshold);
    const days = async (count: number): Promise<void> => {
      for (let day = 0; day < count; day += 1) {
        clock.advance(DAY_MS);
        await setImmediate();
        await setImmediate();
      }
    };
    await setImmediate();
    assert.deepEqual(thresholds(), [], '40 days left: nothing yet');
    await days(10);
    assert.deepEqual(thresholds(), [30]);
    await days(23);
    assert.deepEqual(thresholds(), [30, 7]);
    await days(6);
    assert.deepEqual(thresholds(), [30, 7, 1]);
    await days(5);
    assert.deepEqual(thresholds(), [30, 7, 1], 'each threshold once');
    assert.equal(sent[0]?.kind, 'certificate.expiring');
    service.stop();
    assert.deepEqual(clock.pendingDelays(), [], 'stop cancels its timers');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
