import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logging.js';

function capture(level: string): { log: ReturnType<typeof createLogger>; lines: () => unknown[] } {
  const destination = new PassThrough();
  let text = '';
  destination.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const log = createLogger({ level, destination });
  const lines = (): unknown[] =>
    text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
  return { log, lines };
}

test('writes a JSON line in pino format, with the child bindings', () => {
  const { log, lines } = capture('info');
  log.child({ sessionId: 's-1' }).info({ kind: 'terminal' }, 'session started');
  log.info('plain message');
  const [first, second] = lines() as Record<string, unknown>[];
  assert.ok(first && second);
  assert.equal(first['level'], 30);
  assert.equal(first['pid'], process.pid);
  assert.equal(typeof first['time'], 'number');
  assert.equal(typeof first['hostname'], 'string');
  assert.equal(first['sessionId'], 's-1');
  assert.equal(first['kind'], 'terminal');
  assert.equal(first['msg'], 'session started');
  assert.equal(second['msg'], 'plain message');
  assert.equal(second['sessionId'], undefined);
});

test('leaves out lines below its level, and silent writes nothing', () => {
  const info = capture('info');
  info.log.debug('hidden');
  info.log.warn('shown');
  assert.deepEqual(
    info.lines().map((line) => (line as { msg: string }).msg),
    ['shown'],
  );
  const silent = capture('silent');
  silent.log.error('never');
  assert.deepEqual(silent.lines(), []);
});

test('an unknown level is refused with the levels it takes', () => {
  assert.throws(() => createLogger({ level: 'loud' }), /Unknown log level "loud": use one of/);
});

test('redacts secrets at the top and one level down without changing the logged object', () => {
  const { log, lines } = capture('info');
  const request = { token: 'relay-token', user: { password: 'hunter2', name: 'ada' } };
  log.info(request, 'joined');
  const [line] = lines() as Record<string, unknown>[];
  assert.ok(line);
  assert.equal(line['token'], '[redacted]');
  assert.deepEqual(line['user'], { password: '[redacted]', name: 'ada' });
  assert.deepEqual(request, { token: 'relay-token', user: { password: 'hunter2', name: 'ada' } });
});

test('writes errors with their type, message, stack and own fields', () => {
  const { log, lines } = capture('info');
  const error = Object.assign(new TypeError('no shell'), { code: 'ENOENT' });
  log.error({ err: error }, 'the shell did not start');
  const [line] = lines() as { err: Record<string, unknown> }[];
  assert.ok(line);
  assert.equal(line.err['type'], 'TypeError');
  assert.equal(line.err['message'], 'no shell');
  assert.equal(line.err['code'], 'ENOENT');
  assert.match(String(line.err['stack']), /no shell/);
});

test('a circular object still gives a line with its message', () => {
  const { log, lines } = capture('info');
  const looped: Record<string, unknown> = {};
  looped['self'] = looped;
  log.warn({ looped }, 'odd state');
  const [line] = lines() as Record<string, unknown>[];
  assert.ok(line);
  assert.equal(line['msg'], 'odd state');
  assert.match(String(line['logError']), /fields not logged/);
});
