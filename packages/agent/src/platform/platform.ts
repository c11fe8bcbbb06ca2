import type { CpuTimes } from '../stats/cpu-sampler.js';

/** Memory figures in bytes. */
export interface MemoryUsage {
  totalBytes: number;
  usedBytes: number;
}

/** A filesystem's size and use in bytes. */
export interface DiskUsage {
  totalBytes: number;
  usedBytes: number;
}

/**
 * What the agent needs to know about its operating system. One implementation per OS under
 * `platform/<os>/`, and a portable one built on `node:os` alone so every OS at least works.
 *
 * @example
 * const platform = selectPlatform(process.platform);
 * const user = await platform.consoleUser();
 */
export interface Platform {
  /** Human OS name, e.g. "Debian GNU/Linux 12 (bookworm)". */
  osName(): Promise<string>;
  /** Used = what applications cannot get back (total − available), not total − free. */
  memory(): Promise<MemoryUsage>;
  /** Mount points of real (disk-backed) filesystems, worth reporting usage for. */
  diskMounts(): Promise<string[]>;
  /** Size and use of the filesystem mounted at `mount`; rejects when it cannot be read. */
  diskUsage(mount: string): Promise<DiskUsage>;
  /** Cumulative CPU time of all cores (the CPU statistic is the difference of two readings). */
  cpuTimes(): CpuTimes;
  /** The user on the physical console / graphical seat; `null` when nobody is logged in there. */
  consoleUser(): Promise<string | null>;
}
