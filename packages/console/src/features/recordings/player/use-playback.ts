import type { Asciicast } from '@tether/sdk';
import { useEffect, useReducer, useRef, useState, type RefObject } from 'react';
import { createXterm } from '../../terminal/create-xterm.js';
import { browserClock, Playback } from './playback.js';

/** What the player's controls need. */
export interface PlaybackView {
  playback: Playback | null;
  /** Position in seconds, refreshed a few times a second while playing. */
  time: number;
}

/**
 * Creates a read-only xterm in `containerRef` and a `Playback` of `cast` into it.
 *
 * @example
 * const { playback, time } = usePlayback(cast, containerRef);
 */
export function usePlayback(
  cast: Asciicast,
  containerRef: RefObject<HTMLDivElement | null>,
): PlaybackView {
  const [playback, setPlayback] = useState<Playback | null>(null);
  const [, refresh] = useReducer((count: number) => count + 1, 0);
  const frameRef = useRef(0);

  useEffect(() => {
    const element = containerRef.current;
    if (element === null) return;
    const { terminal } = createXterm(element, {
      cols: cast.header.width,
      rows: cast.header.height,
      disableStdin: true,
      cursorBlink: false,
    });
    const created = new Playback(
      cast,
      {
        reset: (cols, rows) => {
          terminal.reset();
          terminal.resize(cols, rows);
        },
        write: (data) => terminal.write(data),
        resize: (cols, rows) => terminal.resize(cols, rows),
      },
      browserClock,
      refresh,
    );
    setPlayback(created);
    return () => {
      created.dispose();
      terminal.dispose();
      setPlayback(null);
    };
  }, [cast, containerRef]);

  // While playing, redraw the clock and seek bar on animation frames (throttled to ~5 per second).
  const isPlaying = playback?.isPlaying ?? false;
  useEffect(() => {
    if (!isPlaying) return;
    let last = 0;
    const tick = (at: number) => {
      if (at - last > 200) {
        last = at;
        refresh();
      }
      frameRef.current = requestAnimationFrame(tick);
    };
    frameRef.current = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frameRef.current);
  }, [isPlaying]);

  return { playback, time: playback?.currentTime() ?? 0 };
}
