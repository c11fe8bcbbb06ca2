/**
 * A fleet worker: one child process running many real agents (`enrollAgent`, then `runAgent`:
 * the agent's control channel with its TLS, pinned-key handshake, heartbeat and statistics),
 * each with its own identity and data dir.
 * Driven by the benchmark over IPC with the messages of fleet-messages.ts.
 */
import { join } from 'node:path';
import {
  enrollAgent,
  fixedUserPresence,
  runAgent,
  type AgentHandle,
  type RunAgentOptions,
} from '@tether/agent';
import type { DeviceNetwork } from '@tether/protocol';
import { createLogger } from '@tether/server';
import { FromWorker, ToWorker } from './fleet-messages.js';
import { createReconnectRecorder } from './reconnect-recorder.js';

const log = createLogger({ level: 'error', destination: process.stderr });
const agentDirs: string[] = [];

/**
 * What each simulated machine reports about itself: fixed figures. The real Linux platform
 * runs `who`, reads /proc/stat and calls statfs for every statistics sample; 2000 agents on
 * one host would spend on that the CPU 2000 machines spend each on their own, and starve the
 * server under test (`os.cpus()` and statfs alone were ~25 % of the fleet's CPU). The
 * statistics messages themselves (what the server pays for) are unchanged.
 */
const simulatedMachine: NonNullable<RunAgentOptions['platform']> = {
  osName: () => Promise.resolve('Tether benchmark simulated device'),
  memory: () => Promise.resolve({ totalBytes: 8 * 2 ** 30, usedBytes: 3 * 2 ** 30 }),
  diskMounts: () => Promise.resolve(['/']),
  diskUsage: () => Promise.resolve({ totalBytes: 256 * 2 ** 30, usedBytes: 100 * 2 ** 30 }),
  // Two cores, 12 % busy.
  cpuTimes: () => {
    const totalMs = 2 * performance.now();
    return { busy: 0.12 * totalMs, total: totalMs };
  },
  consoleUser: () => Promise.resolve(null),
};
/**
 * Where each simulated machine sits: one office subnet, a card of its own. Fixed like the
 * figures above: the real reading (`os.networkInterfaces()`, once per connection) is this host's
 * interfaces for every agent, and ~10 % of the fleet's CPU when thousands reconnect at once.
 */
function simulatedNetwork(index: number): DeviceNetwork {
  const hex = (byte: number): string => byte.toString(16).padStart(2, '0');
  const mac = ['02', '00', hex(index >> 16), hex((index >> 8) & 255), hex(index & 255), '01'];
  const host = 10 + (index % 240);
  return {
    interfaces: [
      {
        name: 'eth0',
        mac: mac.join(':'),
        ipv4: [{ address: `10.20.${(index >> 8) & 255}.${host}`, netmask: '255.255.0.0' }],
      },
    ],
    defaultGateway: '10.20.0.1',
  };
}
/** Nobody at the simulated machines; the presence report is still sent, as a real one is. */
const simulatedPresence = fixedUserPresence('absent');
const agents: AgentHandle[] = [];
const reconnects = createReconnectRecorder();

function reply(message: FromWorker): void {
  process.send?.(FromWorker.parse(message));
}

async function enroll(request: Extract<ToWorker, { type: 'enroll' }>): Promise<void> {
  const failures: string[] = [];
  let next = 0;
  const enrollNext = async (): Promise<void> => {
    while (next < request.count) {
      const dataDir = join(request.dataDir, `agent-${next++}`);
      try {
        await enrollAgent({ serverUrl: request.serverUrl, token: request.token, dataDir, log });
        agentDirs.push(dataDir);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, enrollNext));
  reply({ type: 'enrolled', enrolled: agentDirs.length, failures: failures.slice(0, 5) });
}

async function runOne(index: number): Promise<AgentHandle> {
  const network = simulatedNetwork(index);
  const agent = await runAgent({
    network: () => network,
    dataDir: agentDirs[index] ?? '',
    log: reconnects.logFor(index, log),
    platform: simulatedMachine,
    spareShell: false,
    userPresence: simulatedPresence,
  });
  reconnects.watch(index, agent);
  return agent;
}

/** Stops `count` running agents picked at random and starts each again (a reconnect). */
async function churn(request: Extract<ToWorker, { type: 'churn' }>): Promise<void> {
  const picked = new Set<number>();
  while (picked.size < Math.min(request.count, agents.length))
    picked.add(Math.floor(Math.random() * agents.length));
  await Promise.all(
    [...picked].map(async (index) => {
      await agents[index]?.stop();
      agents[index] = await runOne(index);
    }),
  );
  reply({ type: 'churned', agents: picked.size });
}

/**
 * Agents started at once: each start reads its identity and opens its consent socket, ~100 ms
 * on a loaded machine, so 2,500 agents one after another took minutes.
 */
const START_CONCURRENCY = 32;

async function start(): Promise<void> {
  const started: AgentHandle[] = [];
  let next = 0;
  const startNext = async (): Promise<void> => {
    while (next < agentDirs.length) {
      const index = next++;
      // No spare shell kept ready: 2000 idle bash processes on one host measure nothing about
      // the server, and a session is never opened on these agents.
      started[index] = await runOne(index);
    }
  };
  await Promise.all(Array.from({ length: START_CONCURRENCY }, startNext));
  agents.push(...started);
  reply({ type: 'started', agents: agents.length });
}

async function stop(): Promise<void> {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  reply({ type: 'stopped' });
  process.disconnect();
}

function reconnections(request: Extract<ToWorker, { type: 'reconnections' }>): Promise<void> {
  reply({ type: 'reconnections', ...reconnects.since(request.sinceEpochMs) });
  return Promise.resolve();
}

const handlers: {
  [K in ToWorker['type']]: (message: Extract<ToWorker, { type: K }>) => Promise<void>;
} = {
  enroll,
  start,
  churn,
  stop,
  reconnections,
};

process.on('message', (raw: unknown) => {
  const parsed = ToWorker.safeParse(raw);
  if (!parsed.success) {
    reply({ type: 'failed', message: `bad request: ${parsed.error.message}` });
    return;
  }
  const message = parsed.data;
  const handler = handlers[message.type] as (message: ToWorker) => Promise<void>;
  handler(message).catch((error: unknown) => {
    reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  });
});
