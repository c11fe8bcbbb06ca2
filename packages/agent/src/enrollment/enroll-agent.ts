import { AppError, EnrollResponse, ErrorBody, parseEnrollmentToken } from '@tether/protocol/agent';
import type { EnrollWithOverridesRequest, InstallOverrides } from '@tether/protocol/agent-package';
import type { Logger } from '../logging.js';
import { systemClock, type Clock } from '../clock.js';
import { generateIdentityKey } from '../identity/ed25519.js';
import { writeAgentState } from '../identity/agent-state.js';
import { collectInventory } from '../platform/inventory.js';
import { selectPlatform } from '../platform/select-platform.js';
import { postJson } from '../transport/post-json.js';
import { checkTokenExpiry, verifyEnrollmentResponse } from './verify-enrollment.js';

/** Options of {@link enrollAgent}. */
export interface EnrollAgentOptions {
  /** https URL of the Tether server, e.g. `https://tether.example.com`. */
  serverUrl: string;
  /** The enrolment token from an installer (`tet1.…`). Never logged. */
  token: string;
  /** Where the identity and config are written (created 0700). */
  dataDir: string;
  log: Logger;
  /** How long to wait for the server; 15 s by default. */
  fetchTimeoutMs?: number;
  clock?: Clock;
  /**
   * Install-time overrides of the installer's attributes, sent with the request; the
   * server refuses any its installer does not allow.
   */
  overrides?: InstallOverrides;
}

/** What enrolment produced. */
export interface EnrolledDevice {
  deviceId: string;
  /** The name the device has in the console (its hostname). */
  name: string;
}

/**
 * Enrols this machine: checks the token, creates the agent's Ed25519 identity, registers its
 * public key with the server, verifies the server's signed answer against the key the token
 * pins, and only then writes `identity.pem` and `agent.json` into `dataDir`. Any failure
 * throws an `AppError` that says what to do, and leaves `dataDir` untouched.
 *
 * @example
 * const { deviceId } = await enrollAgent({ serverUrl, token, dataDir: '/var/lib/tether-agent', log });
 */
export async function enrollAgent(options: EnrollAgentOptions): Promise<EnrolledDevice> {
  const { log, dataDir } = options;
  const clock = options.clock ?? systemClock;
  const token = parseEnrollmentToken(options.token);
  if (!token) {
    throw new AppError(
      'TOKEN_INVALID',
      'This is not a valid enrolment token. Copy the whole token (it starts with "tet1.") from the installer page, or ask your administrator for a new installer.',
    );
  }
  checkTokenExpiry(token.claims, clock.now().getTime());
  const serverUrl = parseServerUrl(options.serverUrl);
  const identity = generateIdentityKey();
  const inventory = await collectInventory(selectPlatform(process.platform));
  const request: EnrollWithOverridesRequest = {
    token: options.token.trim(),
    publicKey: identity.publicKey,
    inventory,
    ...(options.overrides && Object.keys(options.overrides).length > 0
      ? { overrides: options.overrides }
      : {}),
  };
  log.info({ server: serverUrl.origin, installerId: token.claims.installerId }, 'enrolling agent');
  const reply = await postJson(new URL('/api/v1/agent/enroll', serverUrl), request, {
    timeoutMs: options.fetchTimeoutMs ?? 15_000,
  });
  const response = readEnrollReply(reply.status, reply.body, serverUrl.origin);
  verifyEnrollmentResponse(response, {
    token,
    agentPublicKey: identity.publicKey,
    tlsFingerprint: reply.tlsFingerprint,
    serverUrl: serverUrl.origin,
  });
  await writeAgentState(dataDir, {
    privateKey: identity.privateKey,
    config: {
      serverUrl: serverUrl.origin,
      deviceId: response.deviceId,
      serverPublicKey: response.serverPublicKey,
      serverKeyHash: token.claims.serverKeyHash,
      enrolledAt: clock.now().toISOString(),
    },
  });
  log.info({ deviceId: response.deviceId, dataDir }, 'agent enrolled');
  return { deviceId: response.deviceId, name: inventory.hostname };
}

function parseServerUrl(text: string): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url?.protocol !== 'https:') {
    throw new AppError(
      'INVALID_INPUT',
      `"${text}" is not a server address the agent can use: give the https:// address of the Tether server, e.g. https://tether.example.com.`,
    );
  }
  return url;
}

function readEnrollReply(status: number, body: unknown, origin: string): EnrollResponse {
  if (status < 200 || status >= 300) {
    const error = ErrorBody.safeParse(body);
    if (error.success) throw new AppError(error.data.code, error.data.message);
    throw new AppError(
      'UNAVAILABLE',
      `The server at ${origin} refused the enrolment with HTTP ${status} and no Tether error. Check that the address points to a Tether server.`,
    );
  }
  const response = EnrollResponse.safeParse(body);
  if (!response.success) {
    throw new AppError(
      'UNAVAILABLE',
      `The server at ${origin} sent an enrolment answer the agent does not understand. Check that the agent and server versions match.`,
    );
  }
  return response.data;
}
