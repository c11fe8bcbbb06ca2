import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import type { BenchReport } from './report.js';

/** Whether `ws` finds bufferutil (without it, masking and relay throughput drop ~3×). */
function hasBufferUtil(): boolean {
  const require = createRequire(import.meta.url);
  try {
    createRequire(require.resolve('ws')).resolve('bufferutil');
    return true;
  } catch {
    return false; // not installed next to ws: the figure is still measured, and flagged
  }
}

/** What the figures were measured on. */
export function describeMachine(): BenchReport['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    bufferutil: hasBufferUtil(),
  };
}
