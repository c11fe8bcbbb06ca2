import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateSessionResponse,
  DeviceList,
  RecordingList,
  decodeTerminalFrame,
  encodeTerminalFrame,
} from '@tether/protocol';
import type { WebSocket } from 'ws';
import { waitFor } from '../../test/support/cli.js';
import type { Cleanup } from '../lib/cleanup.js';
import { opened } from '../lib/open-socket.js';
import { rawBytes } from '../lib/raw-bytes.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { startRealAgent } from './real-agent.js';

/** Result of scenario (i). */
export interface CrashRecordingsResult {
  kills: number;
  sessionsPerKill: number;
  /** Terminal output bytes the technicians had received before each kill, all compared. */
  bytesChecked: number;
  /** Of those, bytes missing from (or different in) the recording after the restart. */
  bytesLost: number;
  /** Sessions whose recording did not hold everything the technician had seen. */
  sessionsWithLoss: number;
  /** Sessions whose recording could not be found or read after the restart. */
  recordingsMissing: number;
  /** The largest loss in one session (bytes), to tell a torn line from a lost flush. */
  worstSessionLossBytes: number;
  passed: boolean;
}

/** A technician's terminal that keeps every output byte it received, in order. */
interface RecordedTerminal {
  sessionId: string;
  socket: WebSocket;
  /** Output received so far (decoded DATA frames), as the technician saw it. */
  received(): string;
  stopTyping(): void;
}

async function openTerminal(
  server: ServerProcess,
  deviceId: string,
  label: string,
): Promise<RecordedTerminal> {
  const response = await server.admin.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'terminal',
    cols: 120,
    rows: 30,
  });
  if (response.status !== 201)
    throw new Error(`session request failed: ${response.status} ${response.text}`);
  const { session, relay } = response.json(CreateSessionResponse);
  const socket = await opened(server.admin.websocket(`${relay.path}?token=${relay.token}`));
  const text = new TextDecoder('utf-8');
  let received = '';
  socket.on('message', (data) => {
    const frame = decodeTerminalFrame(rawBytes(data));
    if (frame?.type === 'data') received += text.decode(frame.data, { stream: true });
  });
  socket.on('error', () => undefined); // the kill tears it down; `close` follows
  socket.send(encodeTerminalFrame({ type: 'resize', cols: 120, rows: 30 }));
  // Keystrokes at random intervals: each is echoed by the shell (and a line runs `:`), so the
  // technician's screen is the acknowledgement of what the server relayed (and recorded).
  let typed = 0;
  let typing = true;
  const typeNext = (): void => {
    if (!typing || socket.readyState !== socket.OPEN) return;
    const keys = ++typed % 8 === 0 ? '\r' : `${label}.${typed} `;
    if (typed % 8 === 1)
      socket.send(encodeTerminalFrame({ type: 'data', data: Buffer.from(': ') }));
    socket.send(encodeTerminalFrame({ type: 'data', data: Buffer.from(keys) }));
    setTimeout(typeNext, randomInt(5, 60));
  };
  typeNext();
  return {
    sessionId: session.id,
    socket,
    received: () => received,
    stopTyping: () => (typing = false),
  };
}

/** Terminal output of an asciicast v2 recording ("o" events), in order; a torn last line is skipped. */
export function recordedOutput(cast: string): string {
  let output = '';
  for (const line of cast.split('\n').slice(1)) {
    if (line === '') continue;
    try {
      const event = JSON.parse(line) as unknown;
      if (Array.isArray(event) && event[1] === 'o' && typeof event[2] === 'string')
        output += event[2];
    } catch {
      // A line the kill cut in half: what it held is counted as lost below, if it was seen.
    }
  }
  return output;
}

/** Length of the common prefix of two strings. */
function commonPrefix(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  let index = 0;
  while (index < length && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}

async function waitDeviceOnline(server: ServerProcess, deviceId: string): Promise<void> {
  await waitFor(
    'the agent to reconnect after the restart',
    async () => {
      const response = await server.admin.request('GET', '/api/v1/devices');
      if (response.status !== 200) return undefined;
      const device = response.json(DeviceList).devices.find((entry) => entry.id === deviceId);
      return device?.online ? true : undefined;
    },
    60_000,
  );
}

/** Compares what each technician saw with its recording after the restart. */
async function checkRecordings(
  server: ServerProcess,
  seen: Map<string, string>,
): Promise<{ checked: number; lost: number; lossy: number; missing: number; worst: number }> {
  const list = (await server.admin.request('GET', '/api/v1/recordings?limit=500')).json(
    RecordingList,
  );
  const totals = { checked: 0, lost: 0, lossy: 0, missing: 0, worst: 0 };
  for (const [sessionId, screen] of seen) {
    // Killed before the shell's first output reached the technician: nothing was acknowledged.
    if (screen === '') continue;
    totals.checked += Buffer.byteLength(screen);
    const recording = list.recordings.find((entry) => entry.sessionId === sessionId);
    const content = recording
      ? await server.admin.request('GET', `/api/v1/recordings/${recording.id}/content`)
      : undefined;
    if (!content || content.status !== 200) {
      totals.missing++;
      totals.lost += Buffer.byteLength(screen);
      continue;
    }
    const kept = commonPrefix(screen, recordedOutput(content.text));
    const lost = Buffer.byteLength(screen.slice(kept));
    if (lost > 0) totals.lossy++;
    totals.lost += lost;
    totals.worst = Math.max(totals.worst, lost);
  }
  return totals;
}

/**
 * Scenario (i): `sessions` recorded terminal sessions run in parallel on a real agent while a
 * technician types into each; at a random moment the server gets SIGKILL. What each technician
 * had received at that instant must be in its recording after the restart, byte for byte.
 * Repeated `kills` times on the same data dir.
 */
export async function measureCrashRecordings(
  cleanup: Cleanup,
  options: { kills: number; sessions: number },
): Promise<CrashRecordingsResult> {
  const dir = await cleanup.tempDir('crash');
  const server = await startServerProcess({ dataDir: join(dir, 'server'), cleanup });
  // A loaded machine starts the agent (tsx) slowly; the test is not about that.
  const deviceId = await startRealAgent(server, { dir, cleanup, onlineTimeoutMs: 90_000 });
  const totals = { checked: 0, lost: 0, lossy: 0, missing: 0, worst: 0 };
  for (let kill = 1; kill <= options.kills; kill++) {
    const terminals = await Promise.all(
      Array.from({ length: options.sessions }, (_, index) =>
        openTerminal(server, deviceId, `k${kill}s${index}`),
      ),
    );
    await sleep(randomInt(300, 2500));
    // The instant of the kill: what each technician has received by now was acknowledged.
    const seen = new Map(terminals.map((terminal) => [terminal.sessionId, terminal.received()]));
    await server.kill();
    for (const terminal of terminals) terminal.stopTyping();
    await server.restart();
    const round = await checkRecordings(server, seen);
    for (const key of Object.keys(totals) as (keyof typeof totals)[])
      totals[key] =
        key === 'worst' ? Math.max(totals.worst, round.worst) : totals[key] + round[key];
    process.stderr.write(
      `bench: (i) kill ${kill}/${options.kills}: ${round.checked} bytes checked, ${round.lost} lost\n`,
    );
    for (const terminal of terminals) terminal.socket.terminate();
    await waitDeviceOnline(server, deviceId);
  }
  return {
    kills: options.kills,
    sessionsPerKill: options.sessions,
    bytesChecked: totals.checked,
    bytesLost: totals.lost,
    sessionsWithLoss: totals.lossy,
    recordingsMissing: totals.missing,
    worstSessionLossBytes: totals.worst,
    passed: totals.lost === 0 && totals.missing === 0,
  };
}

/** Table rows of scenario (i). */
export function crashRecordingsRows(
  result: CrashRecordingsResult,
): [string, string, string, string, string][] {
  return [
    [
      'i',
      `SIGKILL during ${result.sessionsPerKill} recorded sessions, ×${result.kills}`,
      `${result.bytesLost} of ${result.bytesChecked} bytes lost`,
      '0 lost',
      result.passed ? 'PASS' : 'FAIL',
    ],
    [
      'i',
      'sessions with a loss / recordings missing',
      `${result.sessionsWithLoss} / ${result.recordingsMissing}`,
      '0 / 0',
      '',
    ],
    ['i', 'largest loss in one session', `${result.worstSessionLossBytes} bytes`, '', ''],
  ];
}
