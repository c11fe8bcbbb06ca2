import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { describeError, describeWait } from './describe-error.js';
import { visibleText } from './visible-text.js';
import { formatAgo, formatBytes, formatClock, formatDuration, percent } from './format.js';

describe('format', () => {
  it('formats bytes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(8 * 1024 ** 3), '8.0 GiB');
  });

  it('formats durations in their two largest units', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(42), '42s');
    assert.equal(formatDuration(3720), '1h 2m');
    assert.equal(formatDuration(90061), '1d 1h');
    assert.equal(formatDuration(86400), '1d');
  });

  it('formats clocks', () => {
    assert.equal(formatClock(75.4), '1:15');
    assert.equal(formatClock(3725), '1:02:05');
  });

  it('formats times ago', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    assert.equal(formatAgo('2025-01-01T11:59:50Z', now), 'just now');
    assert.equal(formatAgo('2025-01-01T11:55:00Z', now), '5 min ago');
    assert.equal(formatAgo('2024-12-29T12:00:00Z', now), '3 days ago');
  });

  it('clamps percentages', () => {
    assert.equal(percent(1, 0), 0);
    assert.equal(percent(5, 4), 100);
    assert.equal(percent(1, 3), 33);
  });
});

describe('describeError', () => {
  it('adds the wait of a rate limit unless the message already says it', () => {
    assert.equal(
      describeError(new AppError('RATE_LIMITED', 'Slow down.', { retryAfterSec: 12 })),
      'Slow down. Try again in 12 s.',
    );
    assert.equal(
      describeError(new AppError('RATE_LIMITED', 'Try again in 12 s.', { retryAfterSec: 12 })),
      'Try again in 12 s.',
    );
  });
});

describe('describeWait', () => {
  it('replaces the wait the server wrote with the countdown, whatever its wording', () => {
    assert.equal(
      describeWait('Too many failed sign-ins. Try again in 60 s.', 43),
      'Too many failed sign-ins. Try again in 43 s.',
    );
    assert.equal(
      describeWait(
        'Too many wrong one-time passwords for this session: wait 30 s before trying again.',
        7,
      ),
      'Too many wrong one-time passwords for this session. Try again in 7 s.',
    );
    assert.equal(
      describeWait('Too many failed sign-ins. Try again in 60 s.', 0),
      'Too many failed sign-ins. You can try again now.',
    );
  });
});

describe('visibleText', () => {
  it('shows bidi controls and zero-width characters as escapes', () => {
    assert.equal(visibleText('invoice\u202Egnp.exe'), 'invoice⟦U+202E⟧gnp.exe');
    assert.equal(
      visibleText('a\u200Bb\u200Cc\u200Dd\uFEFFe\u2060f\u2066g\u2069h\u200Ei\u200Fj\u202Ak'),
      'a⟦U+200B⟧b⟦U+200C⟧c⟦U+200D⟧d⟦U+FEFF⟧e⟦U+2060⟧f⟦U+2066⟧g⟦U+2069⟧h⟦U+200E⟧i⟦U+200F⟧j⟦U+202A⟧k',
    );
  });

  it('leaves ordinary text alone, including right-to-left letters', () => {
    assert.equal(visibleText('web-01 (Debian 12) שרת'), 'web-01 (Debian 12) שרת');
  });
});
