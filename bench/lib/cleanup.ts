import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What a benchmark run has started and must stop: child processes, sockets, temp dirs. Each
 * scenario registers a disposer as soon as it owns a resource, so an interrupted or failed run
 * still leaves nothing behind. Disposers run newest first (a worker before the server it talks
 * to, a temp dir after the processes writing into it).
 *
 * @example
 * const cleanup = new Cleanup();
 * const dir = await cleanup.tempDir('relay');
 * cleanup.defer('server', () => server.stop());
 * await cleanup.run();
 */
export class Cleanup {
  private readonly disposers: { label: string; dispose: () => Promise<void> | void }[] = [];
  private hasRun = false;

  /** True once {@link run} was called: the stage is over (finished, failed or timed out). */
  get isClosed(): boolean {
    return this.hasRun;
  }

  /**
   * Registers `dispose`; returns a function that runs it now (once) and forgets it. Late
   * registration — a timed-out stage still starting things — disposes at once and throws, so
   * nothing outlives its stage and the late code stops there.
   */
  defer(label: string, dispose: () => Promise<void> | void): () => Promise<void> {
    if (this.hasRun) {
      void Promise.resolve()
        .then(dispose)
        .catch((error: unknown) =>
          process.stderr.write(`bench: could not stop ${label}: ${String(error)}\n`),
        );
      throw new Error(`${label} was started after its benchmark stage ended; stopped it`);
    }
    const entry = { label, dispose };
    this.disposers.push(entry);
    return async () => {
      const index = this.disposers.indexOf(entry);
      if (index === -1) return;
      this.disposers.splice(index, 1);
      await entry.dispose();
    };
  }

  /** A fresh temp dir, removed by {@link run}. */
  async tempDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `tether-bench-${prefix}-`));
    this.defer(`temp dir ${dir}`, () => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Runs every disposer, newest first; returns what failed instead of stopping at the first. */
  async run(): Promise<string[]> {
    this.hasRun = true;
    const failures: string[] = [];
    for (const entry of this.disposers.splice(0).reverse()) {
      try {
        await entry.dispose();
      } catch (error) {
        failures.push(`${entry.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }
}
