import type { Asciicast } from '@tether/sdk';
import { useRef } from 'react';
import { Notice } from '../../../components/notice.js';
import { PlayerControls } from './player-controls.js';
import { usePlayback } from './use-playback.js';

/**
 * An xterm replaying a terminal recording, with its controls.
 *
 * @example
 * <RecordingPlayer cast={parseAsciicast(text)} />
 */
export function RecordingPlayer({ cast }: { cast: Asciicast }) {
  const containerRef = useRef<HTMLDivElement | null>(null);
  const { playback, time } = usePlayback(cast, containerRef);
  return (
    <div className="player" data-testid="player">
      {cast.skippedLines > 0 && (
        <Notice kind="warning">
          {cast.skippedLines === 1 ? 'One line' : `${cast.skippedLines} lines`} of this recording
          could not be read (usually the last one, when a session was cut off); playback stops
          there.
        </Notice>
      )}
      {cast.events.length === 0 && (
        <Notice kind="info">This recording has no terminal output.</Notice>
      )}
      <div className="player-screen">
        <div ref={containerRef} className="player-terminal" data-testid="player-terminal" />
      </div>
      {playback && <PlayerControls playback={playback} time={time} />}
    </div>
  );
}
