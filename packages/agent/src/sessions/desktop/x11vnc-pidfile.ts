import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '../../logging.js';

/** The file in the agent's data directory naming the x11vnc it started. */
export const X11VNC_PIDFILE = 'x11vnc.pid';

const STOP_GRACE_MS = 3000;
const EXIT_POLL_MS = 50;

interface PidRecord {
  pid: number;
  /** Kernel start time (clock ticks after boot) — tells our x11vnc from a later process with its pid. */
  startTime: string;
}

/**
 * Records the x11vnc the agent just started, so a later agent can stop it if this one dies
 * without stopping it (SIGKILL, power loss of the service manager, …).
 *
 * @example
 * await recordX11vnc(dataDir, child.pid);
 */
export async function recordX11vnc(stateDir: string, pid: number): Promise<void> {
  const startTime = await processStartTime(pid);
  if (startTime === undefined) return; // already gone: nothing to clean up later
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const record: PidRecord = { pid, startTime };
  await writeFile(join(stateDir, X11VNC_PIDFILE), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** Forgets the recorded x11vnc (it was stopped cleanly). */
export async function forgetX11vnc(stateDir: string): Promise<void> {
  await rm(join(stateDir, X11VNC_PIDFILE), { force: true });
}

/**
 * Stops an x11vnc a previous agent recorded and left running. It is stopped only when the
 * process with that pid is still the same one (same start time) and is x11vnc (its
 * /proc/<pid>/cmdline), so a reused pid is never signalled.
 */
export async function stopStaleX11vnc(stateDir: string, log: Logger): Promise<void> {
  const file = join(stateDir, X11VNC_PIDFILE);
  const record = await readRecord(file, log);
  if (record === undefined) return;
  if (await isOurX11vnc(record)) {
    log.warn({ pid: record.pid }, 'stopping the x11vnc a previous agent left running');
    await terminate(record);
  }
  await rm(file, { force: true });
}

async function readRecord(file: string, log: Logger): Promise<PidRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<PidRecord>;
    if (Number.isInteger(value.pid) && typeof value.startTime === 'string')
      return { pid: value.pid ?? 0, startTime: value.startTime };
  } catch {
    // Not JSON: reported just below, like any other malformed record.
  }
  log.warn({ file }, 'ignoring a malformed x11vnc pid file');
  await rm(file, { force: true });
  return undefined;
}

async function isOurX11vnc(record: PidRecord): Promise<boolean> {
  if ((await processStartTime(record.pid)) !== record.startTime) return false;
  const command = await readProc(record.pid, 'cmdline');
  return command !== undefined && basename(command.split('\0')[0] ?? '') === 'x11vnc';
}

async function terminate(record: PidRecord): Promise<void> {
  signal(record.pid, 'SIGTERM');
  signal(record.pid, 'SIGCONT'); // a stopped process acts on SIGTERM only once continued
  const deadline = Date.now() + STOP_GRACE_MS;
  while ((await processStartTime(record.pid)) === record.startTime) {
    if (Date.now() > deadline) {
      signal(record.pid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, EXIT_POLL_MS));
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Field 22 of /proc/<pid>/stat; undefined once the process is gone (or a zombie). */
async function processStartTime(pid: number): Promise<string | undefined> {
  const stat = await readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z') return undefined;
  return fields[19];
}

async function readProc(pid: number, name: string): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return undefined; // no such process (or no /proc): treated as gone
  }
}
