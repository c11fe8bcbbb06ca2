import { wsCloseCode } from '@tether/protocol';
import { watchSessionWindow } from '../assistance/session-terms.js';
import { pairPeers } from '../relay/index.js';
import type { QueuedPeer } from '../relay/queued-peer.js';
import type { LiveSession, SessionControl, SessionServiceDeps } from './live-session.js';
import { relayTapOf, startRecording } from './session-recording.js';
import { watchSessionLifetime } from './session-lifetime.js';
import { SharedConsole } from './shared-console.js';

/**
 * Both ends joined: records the session when its policy requires it (no recording, no session),
 * pairs the ends through the shared console with the recording tap, and watches its access
 * window and lifetime. Nobody awaits it: failures end the session rather than throw.
 */
export async function startLiveSession(
  deps: SessionServiceDeps,
  live: LiveSession,
  control: SessionControl,
): Promise<void> {
  const { record } = live;
  const consolePeer = live.console;
  const agentPeer = live.agent;
  if (!consolePeer || !agentPeer) return;
  live.cancelTimer();
  try {
    if ((await deps.recordingModeFor(record.deviceId, record.kind)) === 'required') {
      live.recording = await startRecording(deps, live, (error) => {
        deps.log.error({ err: error, sessionId: record.id }, 'recording failed');
        control.endSoon(
          record.id,
          'Recording failed, so the session was ended (recording is required).',
          wsCloseCode.UNAVAILABLE,
        );
      });
    }
  } catch (error) {
    deps.log.error({ err: error, sessionId: record.id }, 'cannot start recording');
    await control.end(
      record.id,
      'The session could not be recorded, so it was not started (recording is required).',
      wsCloseCode.UNAVAILABLE,
    );
    return;
  }
  if (live.ending || consolePeer.isClosed || agentPeer.isClosed) {
    await control.end(record.id, 'One side left before the session started.');
    return;
  }
  live.shared = new SharedConsole(consolePeer, record.kind);
  live.pair = pairPeers({
    sessionId: record.id,
    console: live.shared,
    agent: agentPeer,
    tap: relayTapOf(deps, live, live.recording),
    onEnd: (end) => {
      live.ending = true;
      control.tasks.run('finish a session', () =>
        control.finish(live, end.reason || `Ended by the ${end.by}.`),
      );
    },
  });
  watchTerms(deps, live, consolePeer, control);
  try {
    await deps.store.sessions.markActive(record.id, deps.clock.now());
    await deps.audit.record({
      action: 'session.started',
      actor: live.technician,
      target: record.deviceId,
      details: { sessionId: record.id, kind: record.kind },
    });
  } catch (error) {
    // The session relays already; nobody awaits `start`, so a rejection (the database went
    // down this moment) would crash the server. Its end is still recorded by `finish`.
    deps.log.error({ err: error, sessionId: record.id }, 'cannot record the session start');
  }
}

/** Ends a running session when its access window closes or its absolute lifetime runs out. */
function watchTerms(
  deps: SessionServiceDeps,
  live: LiveSession,
  consolePeer: QueuedPeer,
  control: SessionControl,
): void {
  const { record } = live;
  live.windowWatch = watchSessionWindow(
    { ...deps, tasks: control.tasks, checkEveryMs: deps.accessCheckMs ?? 1000 },
    {
      id: record.id,
      deviceId: record.deviceId,
      kind: record.kind,
      admission: live.admission,
      sendToConsole: (frame) => consolePeer.send(frame, () => undefined),
      end: (reason, code) => control.endSoon(record.id, reason, code),
    },
  );
  live.lifetimeWatch = watchSessionLifetime(
    { ...deps, checkEveryMs: deps.accessCheckMs ?? 1000 },
    {
      ...record,
      technician: live.technician,
      maxLifetimeSec: deps.maxLifetimeSec,
      end: (reason, code) => control.endSoon(record.id, reason, code),
    },
  );
}
