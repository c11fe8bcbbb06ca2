import { readFile, readdir } from 'node:fs/promises';

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

/** CPU time (ms) of each live process of some commands, by pid; see {@link cpuUsedSince}. */
export type CommandCpu = Map<number, { name: string; ms: number }>;

/**
 * CPU time (ms) used so far by every live process whose command name is one of `names`
 * (`postgres`, `haproxy`, …): the services a scenario starts as several processes (PostgreSQL
 * forks one per connection).
 *
 * @example
 * const before = await readCommandCpu(['postgres']); … cpuUsedSince(before, await readCommandCpu(['postgres']));
 */
export async function readCommandCpu(names: string[]): Promise<CommandCpu> {
  const wanted = new Set(names);
  const readings: CommandCpu = new Map();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (!wanted.has(name)) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
    readings.set(Number(entry), { name, ms });
  }
  return readings;
}

/**
 * CPU time used between two {@link readCommandCpu} readings, per command name: of the
 * processes alive at the second (all of a new one's time); a process that exited meanwhile
 * (the backends of a killed node's connections) takes its time with it.
 */
export function cpuUsedSince(before: CommandCpu, after: CommandCpu): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [pid, { name, ms }] of after)
    used[name] = (used[name] ?? 0) + ms - (before.get(pid)?.ms ?? 0);
  return used;
}

/**
 * The machine's busy CPU time so far (ms, all cores: everything but idle and I/O wait), from
 * `/proc/stat`; with the core count it tells how much of the machine a run used.
 *
 * @example
 * const before = await readMachineBusyMs(); … const used = (await readMachineBusyMs()) - before;
 */
export async function readMachineBusyMs(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SEC;
}
