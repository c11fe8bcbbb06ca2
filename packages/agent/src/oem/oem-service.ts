import { join } from 'node:path';
import {
  AppError,
  type AgentMessage,
  type MessageOf,
  type OemOperation,
  type ServerMessage,
} from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import type { Clock } from '../clock.js';
import { createAppRegistry } from './app-registry.js';
import { createControlSecrets } from './control-secrets.js';
import { createDeviceKeyStore } from './device-keys.js';
import { oemHandlers, type OemContext, type OemHandlers } from './oem-operations.js';
import { createRolloutFile } from './rollout-file.js';
import { startRolloutEndpoint, type RolloutEndpoint } from './rollout-endpoint.js';

/** A request of the integration API, as the server forwards it. */
export type OemRequest = MessageOf<ServerMessage, 'oem.request'>;
/** The agent's answer. */
export type OemReply = MessageOf<AgentMessage, 'oem.reply'>;

/** The agent's side of the integration API (O-2 … O-5): rollout file, device keys, secrets. */
export interface OemService {
  /** The server told the agent its remote-control ID (on every welcome). */
  onWelcome(remoteControlId: string | undefined): Promise<void>;
  handle(request: OemRequest): Promise<OemReply>;
  stop(): Promise<void>;
}

/** Options of {@link createOemService}. */
export interface OemServiceOptions {
  dataDir: string;
  clock: Clock;
  log: Logger;
  /** Where the rollout file goes; `<dataDir>/rollout.json` by default. */
  rolloutFile?: string;
  /** The local rollout endpoint's Unix socket; `<dataDir>/oem-ipc/rollout.sock` by default, `false` for none. */
  rolloutSocket?: string | false;
  /** RSA modulus of new device keys; tests pass 2048. */
  keyBits?: number;
}

function runOperation<K extends OemOperation['op']>(
  operation: Extract<OemOperation, { op: K }>,
  context: OemContext,
): ReturnType<OemHandlers[K]> {
  const handler: OemHandlers[K] = oemHandlers[operation.op];
  return handler(operation, context) as ReturnType<OemHandlers[K]>;
}

/** What may be logged about an operation: never a token, nonce or secret. */
function describe(operation: OemOperation): Record<string, string> {
  const fields: Record<string, string> = { op: operation.op, tenantId: operation.tenantId };
  if ('deviceKeyId' in operation) fields.deviceKeyId = operation.deviceKeyId;
  return fields;
}

/**
 * The agent's integration API: writes the rollout file once the server has told the agent its
 * remote-control ID, answers the server's `oem.request`s, and serves the local rollout
 * endpoint for registered apps.
 *
 * @example
 * const oem = createOemService({ dataDir, clock, log });
 * await oem.onWelcome('r123456789');
 */
export function createOemService(options: OemServiceOptions): OemService {
  const { dataDir, log } = options;
  const rollout = createRolloutFile({ path: options.rolloutFile ?? join(dataDir, 'rollout.json') });
  const apps = createAppRegistry({ path: join(dataDir, 'oem-apps.json') });
  const keys = createDeviceKeyStore({ folder: join(dataDir, 'oem-keys') });
  const context: OemContext = {
    rollout,
    apps,
    keys,
    secrets: createControlSecrets({ clock: options.clock }),
    clock: options.clock,
    ...(options.keyBits ? { keyBits: options.keyBits } : {}),
  };
  const socketPath = options.rolloutSocket ?? join(dataDir, 'oem-ipc', 'rollout.sock');
  let endpoint: Promise<RolloutEndpoint> | undefined;
  let isStopped = false;
  // Older agents kept device keys' private halves; the device never needs them (it encrypts to
  // the public half), so they go at start rather than wait until each key is next used.
  const dropping = keys.dropPrivateKeys().then(
    (count) => {
      if (count > 0) log.info({ count }, 'private halves of device keys removed from disk');
    },
    (error: unknown) => log.error({ err: error }, 'cannot rewrite the device key files'),
  );

  const startEndpoint = (): void => {
    if (endpoint || socketPath === false || process.platform === 'win32' || isStopped) return;
    endpoint = startRolloutEndpoint({
      socketPath,
      apps,
      rollout: () => rollout.current(),
      clock: options.clock,
      log,
    });
    endpoint.catch((error: unknown) =>
      log.error({ err: error, socketPath }, 'cannot open the local rollout endpoint'),
    );
  };

  return {
    async onWelcome(remoteControlId) {
      if (!remoteControlId || isStopped) return;
      await rollout.start(remoteControlId);
      startEndpoint();
    },
    async handle(request) {
      const fields = { requestId: request.requestId, ...describe(request.operation) };
      try {
        const result = await runOperation(request.operation, context);
        log.info(fields, 'integration API request done');
        return { type: 'oem.reply', requestId: request.requestId, result };
      } catch (error) {
        if (error instanceof AppError) {
          log.info({ ...fields, code: error.code }, 'integration API request refused');
          return { type: 'oem.reply', requestId: request.requestId, error: error.toBody() };
        }
        log.error({ ...fields, err: error }, 'integration API request failed');
        return {
          type: 'oem.reply',
          requestId: request.requestId,
          error: {
            code: 'INTERNAL',
            message: 'The device could not complete the request; see the agent log.',
          },
        };
      }
    },
    async stop() {
      isStopped = true;
      await dropping;
      const running = endpoint;
      endpoint = undefined;
      if (running)
        await running.then(
          (open) => open.close(),
          () => undefined,
        );
    },
  };
}
