import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OemOperation, OemResults, RolloutData, type OemOperationInput } from '@tether/protocol';
import { createOemService, type OemReply, type OemService } from '../../src/oem/oem-service.js';
import { TestClock } from '@tether/protocol';
import { silentLog } from './silent-log.js';

export const TENANT = 't1001';
export const REMOTE_CONTROL_ID = 'r124124124';

/** An OEM service in a temp folder on a fake clock, plus helpers to talk to it. */
export interface OemHarness {
  service: OemService;
  dataDir: string;
  clock: TestClock;
  /**
   * Sends one operation the way the server forwards it (parsed as the agent parses messages,
   * so left-out formats take their defaults); returns the raw reply.
   */
  call(operation: OemOperationInput): Promise<OemReply>;
  /** Sends one operation and returns its result, checked against the protocol's schema. */
  ok<K extends OemOperation['op']>(
    operation: Extract<OemOperationInput, { op: K }>,
  ): Promise<ReturnType<(typeof OemResults)[K]['parse']>>;
  rolloutPath: string;
  readRollout(): Promise<RolloutData>;
}

/** Starts a service in a fresh folder under `root` and welcomes it with {@link REMOTE_CONTROL_ID}. */
export async function startOemHarness(
  root: string,
  options: { rolloutSocket?: string | false } = {},
): Promise<OemHarness> {
  const dataDir = await mkdtemp(join(root, 'oem-'));
  const clock = new TestClock();
  const rolloutPath = join(dataDir, 'rollout.json');
  const service = createOemService({
    dataDir,
    clock,
    log: silentLog(),
    keyBits: 2048,
    rolloutSocket: options.rolloutSocket ?? false,
  });
  await service.onWelcome(REMOTE_CONTROL_ID);
  const call = (operation: OemOperationInput): Promise<OemReply> =>
    service.handle({
      type: 'oem.request',
      requestId: randomUUID(),
      operation: OemOperation.parse(operation),
    });
  return {
    service,
    dataDir,
    clock,
    rolloutPath,
    call,
    async ok(operation) {
      const reply = await call(operation);
      if (reply.error)
        throw new Error(`${operation.op} refused: ${reply.error.code} ${reply.error.message}`);
      const schema = OemResults[operation.op];
      return schema.parse(reply.result) as ReturnType<
        (typeof OemResults)[typeof operation.op]['parse']
      >;
    },
    async readRollout() {
      return RolloutData.parse(JSON.parse(await readFile(rolloutPath, 'utf8')));
    },
  };
}
