import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ConsentPrompt } from '@tether/protocol/agent';
import { systemClock, type Clock } from '../clock.js';
import type { ConsentFrontend } from '../assistance/consent-broker.js';
import { enrollAgent } from '../enrollment/enroll-agent.js';
import { verifyPackage } from '../install/verify-package.js';
import { createLogger } from '../logging.js';
import { runAgent, type AgentHandle } from '../run-agent.js';
import { handToInstalledAgent } from './installed-agent.js';

/** How often the one-time agent looks whether its session is still running. */
const SESSION_CHECK_MS = 1000;

/** Options of {@link runOneTimeAgent}. */
export interface OneTimeAgentOptions {
  /** The unpacked package (the `.run`'s temporary folder). */
  packageDir: string;
  /** The code the user entered on the portal: lets an installed agent take the session. */
  code?: string;
  /** Never hand the session to an installed agent. */
  isOneTimeOnly: boolean;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  /** The user's answers, a line each (the terminal). */
  input: NodeJS.ReadableStream;
  clock?: Clock;
}

/**
 * `tether-agent support`: the one-time agent of an ad-hoc session. Verifies its package,
 * hands the code to an installed agent of the same server when there is one and it may, and
 * otherwise enrols a temporary device into a folder inside the package (which the `.run`
 * removes on exit), asks the user at this terminal before every session, and exits when the
 * technician's session ends. Nothing is installed: no service, no account, no file outside
 * the temporary folder. Resolves to the exit code.
 *
 * @example
 * const code = await runOneTimeAgent({ packageDir, isOneTimeOnly: false, env, out, input: process.stdin });
 */
export async function runOneTimeAgent(options: OneTimeAgentOptions): Promise<number> {
  const clock = options.clock ?? systemClock;
  const { out } = options;
  const pkg = await verifyPackage(options.packageDir);
  const serverUrl = pkg.config.attributes.publicSiteAddress ?? pkg.config.serverUrl;
  if (options.code && !options.isOneTimeOnly) {
    const handOver = await handToInstalledAgent({
      serverUrl,
      code: options.code,
      env: options.env,
      clock,
    });
    if (handOver.outcome === 'taken') {
      out(
        `The Tether agent installed here takes the session of ${handOver.technician} (device ${handOver.deviceId}). Nothing else runs; you can close this window.`,
      );
      return 0;
    }
    if (handOver.why) out(handOver.why);
  }
  const dataDir = join(pkg.dir, 'one-time-agent');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const log = createLogger({ level: 'warn', destination: process.stderr });
  try {
    out(`Connecting to ${new URL(serverUrl).origin}…`);
    const device = await enrollAgent({ serverUrl, token: pkg.config.token, dataDir, log, clock });
    const answers = createInterface({ input: options.input });
    const consent = { hasAccepted: false };
    const agent = await runAgent({
      dataDir,
      log,
      clock,
      isConsentAlways: true,
      consentFrontends: [
        terminalConsent({ out, answers, onAccepted: () => (consent.hasAccepted = true) }),
      ],
    });
    agent.onConnectionChange((isConnected) => {
      if (isConnected) out(`Connected as "${device.name}". Waiting for your technician…`);
    });
    await untilSessionEnds(agent, { clock, consent });
    answers.close();
    await agent.stop();
    out('The session ended. The one-time agent is removing itself.');
    return 0;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Asks each consent question at the terminal; `y` accepts, anything else declines. */
function terminalConsent(input: {
  out: (line: string) => void;
  answers: ReturnType<typeof createInterface>;
  onAccepted: () => void;
}): ConsentFrontend {
  return (prompt: ConsentPrompt, answer) => {
    input.out(
      `${prompt.technician} asks to open a ${prompt.kind} session on this machine. Allow? Type y and Enter to accept, n to decline.`,
    );
    input.answers.once('line', (line) => {
      const isAccepted = line.trim().toLowerCase().startsWith('y');
      if (isAccepted) input.onAccepted();
      answer(isAccepted);
    });
  };
}

/**
 * Resolves once the user accepted a session and no session is left. An accepted session is
 * counted from its offer to its end, so one too short to be seen between two checks still
 * ends the wait; a declined one does not: the technician may ask again.
 */
function untilSessionEnds(
  agent: AgentHandle,
  input: { clock: Clock; consent: { hasAccepted: boolean } },
): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (input.consent.hasAccepted && agent.activeSessions() === 0) resolve();
      else input.clock.setTimer(check, SESSION_CHECK_MS);
    };
    check();
  });
}
