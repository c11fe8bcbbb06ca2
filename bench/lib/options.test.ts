import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBenchOptions } from './options.js';

test('without options every scenario but the long reliability ones runs, with 2000 agents', () => {
  const options = parseBenchOptions([]);
  assert.deepEqual([...options.only].sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'm', 'n']);
  assert.equal(options.agents, 2000);
});

test('--only and --agents select scenarios and the fleet size', () => {
  const options = parseBenchOptions(['--only', 'a, B', '--agents', '500']);
  assert.deepEqual([...options.only].sort(), ['a', 'b']);
  assert.equal(options.agents, 500);
});

test('unknown scenarios, bad numbers and unknown flags are refused with the usage', () => {
  assert.throws(() => parseBenchOptions(['--only', 'a,z']), /--only takes letters/);
  assert.throws(() => parseBenchOptions(['--agents', '0']), /--agents must be a positive integer/);
  assert.throws(() => parseBenchOptions(['--agents', '1.5']), /positive integer/);
  assert.throws(() => parseBenchOptions(['--fast']), /Unknown option/);
});

test('--file-mib and --file-rounds set the largest file and the rounds of (f)', () => {
  assert.equal(parseBenchOptions([]).fileRounds, 3);
  const options = parseBenchOptions(['--only', 'f', '--file-mib', '100', '--file-rounds', '5']);
  assert.equal(options.fileMiB, 100);
  assert.equal(options.fileRounds, 5);
  assert.throws(
    () => parseBenchOptions(['--file-rounds', '0']),
    /--file-rounds must be a positive/,
  );
});

test('the reliability scenarios run when named, with their own sizes', () => {
  const options = parseBenchOptions(['--only', 'i,k', '--kills', '5', '--soak-min', '7']);
  assert.deepEqual([...options.only].sort(), ['i', 'k']);
  assert.equal(options.kills, 5);
  assert.equal(options.soakMin, 7);
  assert.equal(options.crashSessions, 20);
  assert.equal(options.outageSec, 60);
  assert.throws(() => parseBenchOptions(['--outage-sec', '0']), /--outage-sec must be/);
});

test('the cluster failover (q) runs only when named, with the storm fleet and rate', () => {
  assert.ok(!parseBenchOptions([]).only.has('q'));
  const options = parseBenchOptions(['--only', 'q', '--storm-agents', '600']);
  assert.deepEqual([...options.only], ['q']);
  assert.equal(options.stormAgents, 600);
  assert.equal(options.stormWorkers, 6);
  assert.equal(options.admissionRate, 1000);
});
