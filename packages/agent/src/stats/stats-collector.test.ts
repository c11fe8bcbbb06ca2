import assert from 'node:assert/strict';
import { totalmem } from 'node:os';
import { test } from 'node:test';
import { DeviceStats } from '@tether/protocol/agent';
import { pino } from 'pino';
import { selectPlatform } from '../platform/select-platform.js';
import type { Platform } from '../platform/platform.js';
import { portablePlatform } from '../platform/portable-platform.js';
import { createStatsCollector } from './stats-collector.js';
import { createCpuSampler } from './cpu-sampler.js';

const log = pino({ level: 'silent' });

test('collects sane figures on this machine, valid for the protocol', async () => {
  const collector = createStatsCollector({ platform: selectPlatform(process.platform), log });
  // Burn a little CPU so the interval has measurable time in it.
  const until = Date.now() + 60;
  while (Date.now() < until) Math.sqrt(Math.random());
  const stats = await collector.collect(['cpu', 'memory', 'disk', 'uptime', 'consoleUser']);
  assert.ok(DeviceStats.safeParse(stats).success, JSON.stringify(stats));
  assert.ok(stats.cpuPercent !== undefined && stats.cpuPercent >= 0 && stats.cpuPercent <= 100);
  assert.ok(stats.memory && stats.memory.totalBytes > 0);
  assert.ok(stats.memory.usedBytes > 0 && stats.memory.usedBytes <= stats.memory.totalBytes);
  assert.ok(Math.abs(stats.memory.totalBytes - totalmem()) < totalmem() * 0.01);
  assert.ok(stats.disks && stats.disks.length > 0);
  for (const disk of stats.disks) {
    assert.ok(disk.totalBytes > 0 && disk.usedBytes <= disk.totalBytes, JSON.stringify(disk));
  }
  assert.ok(stats.uptimeSec !== undefined && stats.uptimeSec > 0);
  assert.ok(stats.consoleUser === null || typeof stats.consoleUser === 'string');
});

test('measures only the enabled kinds', async () => {
  let isMemoryRead = false;
  const platform: Platform = {
    ...portablePlatform,
    osName: () => Promise.resolve('Test OS'),
    memory: () => {
      isMemoryRead = true;
      return Promise.resolve({ totalBytes: 1, usedBytes: 1 });
    },
    diskMounts: () => Promise.resolve(['/']),
    consoleUser: () => Promise.resolve('alice'),
  };
  const stats = await createStatsCollector({ platform, log }).collect(['consoleUser', 'uptime']);
  assert.deepEqual(Object.keys(stats).sort(), ['consoleUser', 'uptimeSec']);
  assert.equal(stats.consoleUser, 'alice');
  assert.equal(isMemoryRead, false);
});

test('a statistic that fails is left out, the others are still sent', async () => {
  const platform: Platform = {
    ...portablePlatform,
    osName: () => Promise.resolve('Test OS'),
    memory: () => Promise.reject(new Error('no /proc')),
    diskMounts: () => Promise.resolve(['/definitely/not/mounted']),
    consoleUser: () => Promise.resolve(null),
  };
  const stats = await createStatsCollector({ platform, log }).collect([
    'memory',
    'disk',
    'consoleUser',
  ]);
  assert.deepEqual(stats, { disks: [], consoleUser: null });
});

test('CPU percent is busy time over total time since the previous sample', () => {
  const readings = [
    { busy: 100, total: 1000 },
    { busy: 350, total: 2000 },
    { busy: 350, total: 2000 },
  ];
  const sampler = createCpuSampler(() => readings.shift() ?? { busy: 0, total: 0 });
  assert.equal(sampler.sample(), 25);
  assert.equal(sampler.sample(), undefined); // no time elapsed
});
