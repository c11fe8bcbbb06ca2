import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8 settings of the long-running processes, applied where `tether agent run` and `tether
 * server` start and before they load their package, so every way of starting them (by hand, the
 * demo, a service) gets them.
 *
 * The agent:
 * Most of the agent's memory above a bare `node` came from its start, not from what it keeps:
 *
 * - Constructing the protocol's schemas allocates a lot of short-lived objects, and V8 answers
 *   by growing its young generation from 1 to 8 MiB, pages the idle agent then keeps resident
 *   (~2 MiB measured). A growth factor of 1 keeps the young generation at its starting size;
 *   what outlives a scavenge moves to the old generation, as in any longer-running process.
 * - The same start-up code runs often enough to make V8 optimise a few functions, and the first
 *   optimisation alone pages in ~3.5 MiB of the optimising compiler's machine code from the
 *   node binary. Twice the default budget (132 KiB of bytecode) before a function counts as hot
 *   leaves start-up code interpreted; code that runs for real (the relay, pty and file loops)
 *   is still optimised, after twice as much work.
 *
 * Both flags are read by V8 when it decides (at a scavenge, on a function's return), not only
 * at start-up, which is why setting them from here works. Measured 2026-12-06 (bench scenario m
 * settings): 62.9 -> 56.3 MiB idle, time to "connected" unchanged; the keystroke and file
 * transfer scenarios e and f, run with and without them in alternation, showed no difference
 * beyond the machine's noise. An earlier reading saw +1.4 MiB minutes into an idle run and put
 * it on Node's own helpers becoming hot; on 2026-12-07 `--trace-opt` showed no function
 * optimised in 5 idle minutes: the creep (~1 MiB) is the old generation filling between
 * collections, after V8 gave back ~2.5 MB of start-up garbage ~10 s in (bench/agent-idle.ts).
 *
 * Set from here, they come after Node's own start-up, whose functions keep the budget they were
 * given: by 2026-12-07 the agent loaded enough modules that resolving them made Node's path
 * helper (`isPosixPathSeparator`) hot and paged the compiler in anyway (+3.2 MiB, 60.8 MiB by
 * hand). So the agent package's launcher (and with it the service) and the demo put them on the
 * node command line (57.7 MiB, bench scenario m "as launched"); a test keeps the launcher's
 * copy equal to this one.
 *
 * `tether agent run` still sets them at run time when they are on the command line already, and
 * that is needed: measured 2026-12-07 (bench/agent-idle.ts, as launched), skipping the run-time
 * call gave 58.0 instead of 56.3 MiB, and setting `--semi-space-growth-factor=1` alone at run
 * time restored it (`--interrupt-budget` alone did not): the command-line copy of the growth
 * factor does not keep the young generation small by itself.
 */
export const AGENT_V8_FLAGS = ['--semi-space-growth-factor=1', '--interrupt-budget=270336'];

/**
 * The server: the same interrupt budget, for the same reason (its start-up code pages in the
 * optimising compiler). Set from here it saves less than on the command line, because Node's own
 * start-up functions were compiled with the default budget before this runs: measured
 * 2026-12-06 on an existing data folder, 78.9 -> 77.7 MiB at start (75.0 MiB with the flag on
 * the node command line). So the launchers put it on the command line too: `npm start` (the
 * root package.json, checked by v8-flags.test.ts) and the agent the demo starts; set here, it
 * still covers `tether server` started by hand. Its young generation is left to grow: the relay
 * moves buffers all day, and a 1 MiB young generation would scavenge far more often under load.
 */
export const SERVER_V8_FLAGS = ['--interrupt-budget=270336'];

/**
 * Applies V8 flags to this process.
 *
 * @example
 * applyV8Flags(SERVER_V8_FLAGS); // before `import('@tether/server')`
 */
export function applyV8Flags(flags: readonly string[]): void {
  setFlagsFromString(flags.join(' '));
}

/** When the server gives back its start-up memory: once start-up's allocations are over. */
const SETTLE_COLLECTIONS_MS = [5_000, 10_000];

/**
 * Gives back the young generation start-up grew, once the server is idle after starting.
 *
 * Loading the server and building its schemas and routes allocates fast, and V8 answers by
 * using the whole young generation (8 MiB twice over on a 64-bit machine): ~10 MiB resident
 * after start. V8 shrinks it at a young-generation collection made while little is being
 * allocated, which on an idle server happens only when something allocates enough to trigger
 * one: measured 2026-12-06, RSS stayed at 81 MiB for 30 s, then fell to 73 MiB. Two collections,
 * 5 and 10 s after the listeners are up, make that happen at once (measured: 84.4 -> 75.3 MiB
 * at the 8 s collection; the first one at 4 s was still too close to start-up to shrink). Under
 * load the young generation grows back as usual: unlike `--max-semi-space-size`, the relay's
 * throughput does not pay for the idle figure.
 *
 * @example
 * const server = await startServer(…);
 * releaseStartUpMemory();
 */
export function releaseStartUpMemory(): void {
  applyV8Flags(['--expose-gc']);
  // The collector function of a fresh context: nothing is added to this process's globals.
  const collect = runInNewContext('gc') as (options: { type: 'minor' }) => void;
  for (const delayMs of SETTLE_COLLECTIONS_MS)
    setTimeout(() => collect({ type: 'minor' }), delayMs).unref();
}
