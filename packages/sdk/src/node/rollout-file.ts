import { readFile } from 'node:fs/promises';
import { AppError, RolloutData } from '@tether/protocol';

/** The rollout data in the SDK's naming. */
export interface Rollout {
  /** Passphrase of the device key the next `createdevicekey` returns; valid for one request. */
  rolloutKey: string;
  /** Send as `request_id`. */
  requestId: string;
  /** The device's remote-control ID (`r` + digits). */
  remoteControlId: string;
}

/**
 * Turns rollout data (the file's JSON, or the local endpoint's answer) into a {@link Rollout}.
 *
 * @example
 * const rollout = parseRolloutData(JSON.parse(text));
 */
export function parseRolloutData(json: unknown): Rollout {
  const parsed = RolloutData.safeParse(json);
  if (!parsed.success) {
    throw new AppError(
      'INVALID_INPUT',
      'This is not a Tether rollout file (RolloutKey, RequestId, RemotecontrolId); check the path, or update the SDK.',
    );
  }
  return {
    rolloutKey: parsed.data.RolloutKey,
    requestId: parsed.data.RequestId,
    remoteControlId: parsed.data.RemotecontrolId,
  };
}

/**
 * Reads the agent's rollout file (O-2): `/var/lib/tether-agent/rollout.json` for an agent
 * running as a service (readable by root only), `<dataDir>/rollout.json` otherwise. Read it
 * right before every `createdevicekey`: the device replaces it after each request.
 *
 * @example
 * const { rolloutKey, requestId, remoteControlId } = await readRolloutFile('/var/lib/tether-agent/rollout.json');
 */
export async function readRolloutFile(path: string): Promise<Rollout> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    const hint =
      code === 'EACCES'
        ? 'run as the agent user (root for a service)'
        : 'check the path and that the agent has connected to its server once';
    throw new AppError('NOT_FOUND', `Cannot read the rollout file ${path} (${code}): ${hint}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return parseRolloutData(json);
}
