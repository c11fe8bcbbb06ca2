import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAsciicast } from '@tether/sdk';
import { Playback, type PlaybackClock, type PlaybackSink } from './playback.js';

/** A clock whose time moves only when the test says so. */
class FakeClock implements PlaybackClock {
  time = 0;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, timer]) => timer.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
  get pending(): number {
    return this.timers.size;
  }
}

class RecordingSink implements PlaybackSink {
  screen = '';
  log: string[] = [];
  reset(cols: number, rows: number): void {
    this.screen = '';
    this.log.push(`reset ${cols}x${rows}`);
  }
  write(data: string): void {
    this.screen += data;
    this.log.push(`write ${data}`);
  }
  resize(cols: number, rows: number): void {
    this.log.push(`resize ${cols}x${rows}`);
  }
}

const cast = parseAsciicast(
  [
    JSON.stringify({ version: 2, width: 80, height: 24 }),
    '[1, "o", "a"]',
    '[2, "o", "b"]',
    '[2, "r", "100x30"]',
    '[4, "o", "c"]',
  ].join('\n'),
);

function setup() {
  const clock = new FakeClock();
  const sink = new RecordingSink();
  const playback = new Playback(cast, sink, clock);
  return { clock, sink, playback };
}

describe('Playback', () => {
  it('seeking joins output for a terminal but writes each event alone for an event stream', () => {
    const { sink, playback } = setup();
    playback.seek(4);
    assert.deepEqual(sink.log.slice(-3), ['write ab', 'resize 100x30', 'write c']);
    const stream = Object.assign(new RecordingSink(), { isEventStream: true });
    new Playback(cast, stream, new FakeClock()).seek(4);
    assert.deepEqual(stream.log.slice(-4), ['write a', 'write b', 'resize 100x30', 'write c']);
  });

  it('writes output at its recorded times', () => {
    const { clock, sink, playback } = setup();
    playback.play();
    assert.equal(sink.screen, '');
    clock.advance(1000);
    assert.equal(sink.screen, 'a');
    clock.advance(1000);
    assert.equal(sink.screen, 'ab');
    assert.ok(sink.log.includes('resize 100x30'));
    clock.advance(2000);
    assert.equal(sink.screen, 'abc');
    assert.equal(playback.isPlaying, false, 'stops at the end');
    assert.equal(playback.currentTime(), 4);
    assert.equal(clock.pending, 0, 'no timer left behind');
  });

  it('plays faster at a higher speed', () => {
    const { clock, sink, playback } = setup();
    playback.setSpeed(4);
    playback.play();
    clock.advance(500);
    assert.equal(sink.screen, 'ab');
    assert.equal(playback.currentTime(), 2);
    clock.advance(500);
    assert.equal(sink.screen, 'abc');
  });

  it('pauses and resumes where it stopped', () => {
    const { clock, sink, playback } = setup();
    playback.play();
    clock.advance(1500);
    playback.pause();
    clock.advance(10_000);
    assert.equal(sink.screen, 'a');
    assert.equal(playback.currentTime(), 1.5);
    playback.play();
    clock.advance(500);
    assert.equal(sink.screen, 'ab');
  });

  it('seeks by redrawing everything up to the target', () => {
    const { sink, playback } = setup();
    playback.seek(3);
    assert.equal(sink.screen, 'ab');
    playback.seek(0.5);
    assert.equal(sink.screen, '');
    assert.equal(playback.currentTime(), 0.5);
    playback.seek(99);
    assert.equal(sink.screen, 'abc');
    assert.equal(playback.currentTime(), 4);
  });

  it('restarts from the beginning when played after the end', () => {
    const { clock, sink, playback } = setup();
    playback.seek(4);
    playback.play();
    assert.equal(sink.screen, '');
    clock.advance(1000);
    assert.equal(sink.screen, 'a');
    playback.dispose();
    assert.equal(clock.pending, 0);
  });
});
