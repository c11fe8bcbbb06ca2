import { formatClock } from '../../../format/format.js';
import type { Playback } from './playback.js';

const speeds = [1, 2, 4] as const;

/**
 * Play/pause, speed (1×/2×/4×), a seek bar and elapsed/total time.
 *
 * @example
 * <PlayerControls playback={playback} time={time} />
 */
export function PlayerControls({ playback, time }: { playback: Playback; time: number }) {
  const { duration } = playback;
  return (
    <div className="player-controls" data-testid="player-controls">
      <button
        type="button"
        className="button button-primary player-play"
        onClick={() => (playback.isPlaying ? playback.pause() : playback.play())}
        data-testid="player-play"
        aria-label={playback.isPlaying ? 'Pause' : 'Play'}
      >
        {playback.isPlaying ? '❚❚ Pause' : '▶ Play'}
      </button>
      <input
        type="range"
        className="player-seek"
        min={0}
        max={duration}
        step={0.1}
        value={Math.min(time, duration)}
        onChange={(event) => playback.seek(Number(event.target.value))}
        aria-label="Position"
        data-testid="player-seek"
        disabled={duration === 0}
      />
      <span className="player-time mono" data-testid="player-time">
        {formatClock(time)} / {formatClock(duration)}
      </span>
      <div className="segmented" role="group" aria-label="Speed">
        {speeds.map((speed) => (
          <button
            key={speed}
            type="button"
            className={playback.speed === speed ? 'is-selected' : undefined}
            aria-pressed={playback.speed === speed}
            onClick={() => playback.setSpeed(speed)}
            data-testid={`player-speed-${speed}`}
          >
            {speed}×
          </button>
        ))}
      </div>
    </div>
  );
}
