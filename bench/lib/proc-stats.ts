import { readFile } from 'node:fs/promises';

/** Linux's USER_HZ, the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream build. */
const CLOCK_TICKS_PER_SEC = 100;

/**
 * Resident set size of a process in KiB, from `/proc/<pid>/status` (VmRSS). Measured from
 * outside, so nothing in the server has to cooperate.
 *
 * @example
 * const kib = await readRssKib(server.pid);
 */
export async function readRssKib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/**
 * CPU time (user + system) a process has used so far, in milliseconds.
 *
 * @example
 * const before = await readCpuMs(pid); … const used = (await readCpuMs(pid)) - before;
 */
export async function readCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields are counted after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return ((userTicks + systemTicks) * 1000) / CLOCK_TICKS_PER_SEC;
}

/**
 * The kernel's count of connections dropped because a listen queue was full (TcpExt
 * ListenOverflows, machine-wide). On loopback during a benchmark the server is the only busy
 * listener, so a rise means clients waited for SYN retransmission (1 s, then 3 s, …).
 *
 * @example
 * const before = await readListenOverflows(); … const dropped = (await readListenOverflows()) - before;
 */
export async function readListenOverflows(): Promise<number> {
  const lines = (await readFile('/proc/net/netstat', 'utf8')).split('\n');
  const header = lines.find((line) => line.startsWith('TcpExt:'));
  const values = lines.find(
    (line, index) => line.startsWith('TcpExt:') && index > lines.indexOf(header ?? ''),
  );
  const names = header?.split(' ') ?? [];
  const column = names.indexOf('ListenOverflows');
  return column === -1 ? 0 : Number(values?.split(' ')[column] ?? 0);
}
