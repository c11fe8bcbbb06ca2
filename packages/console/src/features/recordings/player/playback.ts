import type { Asciicast, AsciicastEvent } from '@tether/sdk';

/** Where playback writes: the player's xterm. */
export interface PlaybackSink {
  /** Clear the screen and set the size (seeking replays from the start). */
  reset(cols: number, rows: number): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /**
   * Each event must reach `write` on its own, never joined with the next (a recorded RFB stream:
   * noVNC reads its handshake one server message at a time).
   */
  readonly isEventStream?: boolean;
}

/** Time source and timers; tests pass a fake one. */
export interface PlaybackClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The browser's clock. */
export const browserClock: PlaybackClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(typeof handle === 'number' ? handle : undefined),
};

function parseSize(data: string): { cols: number; rows: number } | undefined {
  const match = /^(\d+)x(\d+)$/.exec(data.trim());
  if (!match) return undefined;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  return cols > 0 && rows > 0 ? { cols, rows } : undefined;
}

/**
 * Plays an asciicast into a sink in real time (scaled by `speed`), with pause and seek.
 * Seeking redraws from the start, writing all output up to the target at once: terminal output
 * is a stream of edits, so there is no other way to know the screen at a given instant.
 *
 * @example
 * const playback = new Playback(cast, sink, browserClock);
 * playback.play();
 * playback.seek(30);
 */
export class Playback {
  readonly duration: number;
  private index = 0;
  private anchorMedia = 0;
  private anchorWall = 0;
  private playing = false;
  private rate = 1;
  private timer: unknown = undefined;
  private readonly events: readonly AsciicastEvent[];

  constructor(
    private readonly cast: Asciicast,
    private readonly sink: PlaybackSink,
    private readonly clock: PlaybackClock,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.events = cast.events;
    this.duration = cast.duration;
    sink.reset(cast.header.width, cast.header.height);
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  get speed(): number {
    return this.rate;
  }

  /** Position in recording seconds. */
  currentTime(): number {
    if (!this.playing) return this.anchorMedia;
    const elapsed = ((this.clock.now() - this.anchorWall) / 1000) * this.rate;
    return Math.min(this.duration, this.anchorMedia + elapsed);
  }

  play(): void {
    if (this.playing) return;
    if (this.anchorMedia >= this.duration) this.seek(0);
    this.anchorWall = this.clock.now();
    this.playing = true;
    this.step();
    this.onChange();
  }

  pause(): void {
    if (!this.playing) return;
    this.anchorMedia = this.currentTime();
    this.playing = false;
    this.cancelTimer();
    this.onChange();
  }

  setSpeed(speed: number): void {
    this.anchorMedia = this.currentTime();
    this.anchorWall = this.clock.now();
    this.rate = speed;
    if (this.playing) this.step();
    this.onChange();
  }

  seek(time: number): void {
    const target = Math.min(this.duration, Math.max(0, time));
    this.cancelTimer();
    this.sink.reset(this.cast.header.width, this.cast.header.height);
    this.index = 0;
    this.emitUntil(target);
    this.anchorMedia = target;
    this.anchorWall = this.clock.now();
    if (this.playing) this.step();
    this.onChange();
  }

  dispose(): void {
    this.playing = false;
    this.cancelTimer();
  }

  private step(): void {
    this.cancelTimer();
    const now = this.currentTime();
    this.emitUntil(now);
    const next = this.events[this.index];
    if (next === undefined) {
      this.anchorMedia = this.duration;
      this.playing = false;
      this.onChange();
      return;
    }
    const waitMs = Math.max(0, ((next.time - now) / this.rate) * 1000);
    this.timer = this.clock.setTimeout(() => this.step(), waitMs);
  }

  /** Writes every event up to `time`, joining consecutive output into one write. */
  private emitUntil(time: number): void {
    let pending = '';
    for (let event = this.events[this.index]; event && event.time <= time;) {
      if (event.type === 'o' && this.sink.isEventStream) this.sink.write(event.data);
      else if (event.type === 'o') pending += event.data;
      else if (event.type === 'r') {
        const size = parseSize(event.data);
        if (size) {
          if (pending) this.sink.write(pending);
          pending = '';
          this.sink.resize(size.cols, size.rows);
        }
      }
      this.index += 1;
      event = this.events[this.index];
    }
    if (pending) this.sink.write(pending);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
