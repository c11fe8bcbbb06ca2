/**
 * Preloaded into the benchmark's own server child processes only (NODE_OPTIONS=--import …):
 * on SIGUSR2, runs a full garbage collection and prints `bench-gc <n> <V8 heap used, bytes>` on
 * stdout, so scenario (b) can read memory after a forced collection. Nothing of this is in the server's code: a
 * production process has no such hook.
 */
import process from 'node:process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** @type {() => void} */
const gc = runInNewContext('gc');
let count = 0;
process.on('SIGUSR2', () => {
  // Twice: the first collection's finalizers free more for the second.
  gc();
  gc();
  count += 1;
  process.stdout.write(`bench-gc ${count} ${process.memoryUsage().heapUsed}\n`);
});
