import RFB from '@novnc/novnc';
import type { Asciicast } from '@tether/sdk';
import { useEffect, useReducer, useRef, useState } from 'react';
import { Notice } from '../../../components/notice.js';
import { PlayerControls } from './player-controls.js';
import { browserClock, Playback } from './playback.js';
import { ReplayChannel } from './replay-channel.js';
import { binaryBytes } from './rfb-replay.js';

/**
 * Replays a desktop recording: noVNC, fed by a {@link ReplayChannel} instead of a socket, with
 * the same controls as terminal recordings (play/pause, seek, speed, time). Seeking starts a
 * fresh noVNC and feeds it everything up to the target at once.
 *
 * @example
 * <DesktopPlayer timeline={parseRfbRecording(text)} />
 */
export function DesktopPlayer({ timeline }: { timeline: Asciicast }) {
  const screenRef = useRef<HTMLDivElement | null>(null);
  const [playback, setPlayback] = useState<Playback | null>(null);
  const [, refresh] = useReducer((count: number) => count + 1, 0);

  useEffect(() => {
    const element = screenRef.current;
    if (element === null) return;
    let current: { rfb: RFB; channel: ReplayChannel } | undefined;
    const dispose = (): void => {
      current?.channel.close();
      current?.rfb.disconnect();
      element.replaceChildren();
      current = undefined;
    };
    const created = new Playback(
      timeline,
      {
        reset: () => {
          dispose();
          const channel = new ReplayChannel();
          const rfb = new RFB(element, channel);
          rfb.viewOnly = true;
          rfb.scaleViewport = true;
          current = { rfb, channel };
        },
        write: (data) => {
          if (data !== '') current?.channel.deliver(binaryBytes(data));
        },
        resize: () => undefined,
        isEventStream: true,
      },
      browserClock,
      refresh,
    );
    setPlayback(created);
    const ticker = window.setInterval(refresh, 250);
    return () => {
      window.clearInterval(ticker);
      created.dispose();
      dispose();
      setPlayback(null);
    };
  }, [timeline]);

  return (
    <div className="player" data-testid="player">
      {timeline.skippedLines > 0 && (
        <Notice kind="warning">
          Part of this recording could not be read (usually the end, when a session was cut off);
          playback stops there.
        </Notice>
      )}
      <div className="desktop-player-screen" ref={screenRef} data-testid="desktop-player-screen" />
      {playback && <PlayerControls playback={playback} time={playback.currentTime()} />}
    </div>
  );
}
