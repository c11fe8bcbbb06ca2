import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, type RolloutData } from '@tether/protocol/agent';
import { writePrivateFile } from './private-file.js';

/** Options of {@link createRolloutFile}. */
export interface RolloutFileOptions {
  /** Where the file lives, usually `<dataDir>/rollout.json`. */
  path: string;
}

/** The agent's rollout file (O-2): the current RolloutKey, request ID and remote-control ID. */
export interface RolloutFile {
  /** Writes a fresh file for this remote-control ID unless one for it is already current. */
  start(remoteControlId: string): Promise<void>;
  /**
   * Uses up the current rollout data for one `createDeviceKey` request: returns it when its
   * request ID is `requestId` (the caller encrypts with its RolloutKey), and in every case
   * replaces it with fresh data on disk before returning, so neither value works twice.
   */
  consume(requestId: string): Promise<RolloutData>;
  /** The current data (what the file holds), or undefined before the remote-control ID is known. */
  current(): RolloutData | undefined;
}

/** 32 random bytes, base64url: usable as a passphrase in any tool without quoting. */
function freshData(remoteControlId: string): RolloutData {
  return {
    RolloutKey: randomBytes(32).toString('base64url'),
    RequestId: randomUUID(),
    RemotecontrolId: remoteControlId,
  };
}

/**
 * Keeps the rollout file. Rotation happens in memory first and synchronously, so two requests
 * racing for the same request ID cannot both win; file writes are queued in order.
 *
 * @example
 * const rollout = createRolloutFile({ path: join(dataDir, 'rollout.json') });
 * await rollout.start('r123456789');
 */
export function createRolloutFile(options: RolloutFileOptions): RolloutFile {
  let data: RolloutData | undefined;
  let writes: Promise<void> = Promise.resolve();

  const persist = (next: RolloutData): Promise<void> => {
    const write = writes.then(() => writePrivateFile(options.path, `${JSON.stringify(next)}\n`));
    // Keep the queue going after a failed write; the failure reaches this call's awaiter.
    writes = write.catch(() => undefined);
    return write;
  };

  return {
    async start(remoteControlId) {
      if (data?.RemotecontrolId === remoteControlId) return;
      data = freshData(remoteControlId);
      await persist(data);
    },
    async consume(requestId) {
      const used = data;
      if (!used) {
        throw new AppError(
          'UNAVAILABLE',
          'This device has no rollout data yet (it has not been welcomed by the server); retry in a moment.',
        );
      }
      data = freshData(used.RemotecontrolId);
      await persist(data);
      if (used.RequestId !== requestId.toLowerCase()) {
        throw new AppError(
          'CONFLICT',
          'The request_id does not match the device rollout file (each one works for a single request); read the rollout file again and retry with its RequestId.',
        );
      }
      return used;
    },
    current: () => data,
  };
}
