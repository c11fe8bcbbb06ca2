/**
 * Preloaded into the benchmark's server child processes when `BENCH_SERVER_CPU_PROF` names a
 * directory (`--cpu-prof` is not allowed in NODE_OPTIONS): profiles the process with the
 * inspector; on SIGWINCH writes what it has so far to `<dir>/server-<pid>-<n>.cpuprofile`
 * (Chrome DevTools format) and starts a new profile. Scenario (o) sends it when the storm is
 * over, so the profile covers the restarted server's start and storm.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import process from 'node:process';

const dir = process.env.BENCH_SERVER_CPU_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  let count = 0;
  // Same-thread sessions answer synchronously.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('SIGWINCH', () => {
    session.post('Profiler.stop', (error, result) => {
      count += 1;
      const file = join(dir, `server-${process.pid}-${count}.cpuprofile`);
      if (!error) writeFileSync(file, JSON.stringify(result.profile));
      process.stdout.write(`bench-profile ${file}\n`);
      session.post('Profiler.start');
    });
  });
}
