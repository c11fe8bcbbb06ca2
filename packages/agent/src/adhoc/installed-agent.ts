import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@tether/protocol/agent';
import {
  AttachSupportCodeResponse,
  supportAttachSigningInput,
  type AttachSupportCodeRequest,
} from '@tether/protocol/agent-package';
import type { Clock } from '../clock.js';
import { readAgentState } from '../identity/agent-state.js';
import { signText } from '../identity/ed25519.js';
import { readInstallRecord } from '../install/install-record.js';
import { postJson } from '../transport/post-json.js';

/** Where installs live by default: a service, then this user's own. */
function installDirs(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? homedir();
  return ['/opt/tether-agent', join(home, '.local/share/tether-agent')];
}

/** What handing the code to the installed agent came to. */
export type HandOver =
  | { outcome: 'taken'; deviceId: string; technician: string }
  /** No install of this server here, or not usable: the one-time agent runs; `why` says so. */
  | { outcome: 'not-used'; why?: string };

/**
 * Hands an ad-hoc session's code to the agent already installed here, when it belongs
 * to the same server and this process can read its identity (root for a service install, the
 * user for their own): signs the code with the device's key and sends it to the server, which
 * gives the session to that device when the technician allowed it. Any refusal leaves the
 * decision to the caller, which runs the one-time agent instead.
 *
 * @example
 * const handOver = await handToInstalledAgent({ serverUrl, code, env: process.env, clock });
 */
export async function handToInstalledAgent(input: {
  serverUrl: string;
  code: string;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Where to look (tests); default the service and user install folders. */
  installDirs?: readonly string[];
}): Promise<HandOver> {
  const origin = new URL(input.serverUrl).origin;
  for (const dir of input.installDirs ?? installDirs(input.env)) {
    const record = await readInstallRecord(dir);
    if (!record) continue;
    let state;
    try {
      state = await readAgentState(record.paths.dataDir);
    } catch {
      return {
        outcome: 'not-used',
        why: `An agent is installed in ${dir}, but its identity is readable only by its own account: run this again with sudo to use it.`,
      };
    }
    if (new URL(state.config.serverUrl).origin !== origin) continue;
    const signedAt = input.clock.now().getTime();
    const request: AttachSupportCodeRequest = {
      code: input.code,
      deviceId: state.config.deviceId,
      signedAt,
      signature: signText(
        state.privateKey,
        supportAttachSigningInput({ code: input.code, deviceId: state.config.deviceId, signedAt }),
      ),
    };
    const reply = await postJson(new URL('/api/v1/support/attach', origin), request, {
      timeoutMs: 15_000,
    });
    const taken = AttachSupportCodeResponse.safeParse(reply.body);
    if (reply.status === 200 && taken.success) return { outcome: 'taken', ...taken.data };
    const message = errorMessage(reply.body);
    if (reply.status === 403) return { outcome: 'not-used', why: message };
    throw new AppError('UNAVAILABLE', message ?? `The server answered ${reply.status}.`);
  }
  return { outcome: 'not-used' };
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('message' in body)) return undefined;
  return typeof body.message === 'string' ? body.message : undefined;
}
