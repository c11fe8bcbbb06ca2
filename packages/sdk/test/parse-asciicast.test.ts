import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { parseAsciicast } from '../src/index.js';

const header = JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1700000000 });

describe('parseAsciicast', () => {
  it('reads the header and the output and resize events in order', () => {
    const text = [header, '[0.5, "o", "hello\\r\\n"]', '[1.25, "r", "100x30"]', ''].join('\n');
    const cast = parseAsciicast(text);
    assert.deepEqual(cast.header, { version: 2, width: 80, height: 24, timestamp: 1700000000 });
    assert.deepEqual(cast.events, [
      { time: 0.5, type: 'o', data: 'hello\r\n' },
      { time: 1.25, type: 'r', data: '100x30' },
    ]);
    assert.equal(cast.duration, 1.25);
    assert.equal(cast.skippedLines, 0);
  });

  it('skips a truncated last line so an interrupted recording still plays', () => {
    const text = [header, '[0.1, "o", "a"]', '[0.2, "o", "b'].join('\n');
    const cast = parseAsciicast(text);
    assert.equal(cast.events.length, 1);
    assert.equal(cast.skippedLines, 1);
    assert.equal(cast.duration, 0.1);
  });

  it('skips events with unknown codes or wrong types and keeps times monotonic', () => {
    const text = [
      header,
      '[1, "x", "?"]',
      '["1", "o", "?"]',
      '[2, "o", "a"]',
      '[1.5, "o", "b"]',
    ].join('\n');
    const cast = parseAsciicast(text);
    assert.deepEqual(
      cast.events.map((event) => [event.time, event.data]),
      [
        [2, 'a'],
        [2, 'b'],
      ],
    );
    assert.equal(cast.skippedLines, 2);
  });

  it('accepts CRLF line endings', () => {
    const cast = parseAsciicast(`${header}\r\n[0.1, "o", "a"]\r\n`);
    assert.equal(cast.events.length, 1);
  });

  it('refuses text without a valid version 2 header', () => {
    assert.throws(() => parseAsciicast(''), AppError);
    assert.throws(() => parseAsciicast('not json'), /first line is not a JSON header/);
    assert.throws(
      () => parseAsciicast(JSON.stringify({ version: 1, width: 80, height: 24 })),
      /version 1/,
    );
    assert.throws(
      () => parseAsciicast(JSON.stringify({ version: 2, width: 0, height: 24 })),
      /width and height/,
    );
  });
});
