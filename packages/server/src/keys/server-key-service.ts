import { AppError, type KeyHandover, type ServerKeyInfo } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import type { Clock } from '../clock.js';
import type { AgentLink, DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import type { ServerIdentity } from './server-identity.js';
import type { ServerKeyRecord, ServerKeyRing } from './server-key-ring.js';
import type { SharedServerKeys } from './shared-server-keys.js';

/** The audit target of every key change. */
const AUDIT_TARGET = 'server.keys';

/**
 * Server key rotation as administrators and agents see it (S-6): the list with the agents on
 * each key, rotate, retire, and the pins agents confirm.
 */
export interface ServerKeyService {
  list(): Promise<ServerKeyInfo[]>;
  /**
   * A new current key; every connected agent gets the hand-over on its control channel at
   * once. Resolves with the new key and how many agents were sent it.
   */
  rotate(actor: AdminActor): Promise<{ key: ServerKeyInfo; agentsNotified: number }>;
  /** `CONFLICT` while agents still pin the key, unless `confirm`: they need a new enrolment. */
  retire(
    fingerprint: string,
    options: { confirm: boolean; actor: AdminActor },
  ): Promise<ServerKeyInfo>;
  /** A key not retired, by fingerprint (the pin in an installer's token). */
  identityFor(fingerprint: string): ServerIdentity | undefined;
  /** Whether this fingerprint names a key of this server that was retired. */
  isRetired(fingerprint: string): boolean;
  /** What a challenge carries: the links to the current key (empty: no rotation pending). */
  handovers(): KeyHandover[];
  /** A device enrolled with the key `publicKey`. */
  onPinned(deviceId: string, publicKey: string): Promise<void>;
  /**
   * A connected agent proved it pins `publicKey` (it answered a challenge signed with it, or
   * re-pinned); when the key was rotated since, it is handed over again at once.
   */
  onAgentPinned(link: AgentLink, publicKey: string): Promise<void>;
  /**
   * Picks up a rotation or retirement the headless CLI made in the keys folder, or another node
   * of the cluster made, handing a new key over to the connected agents (called every few
   * seconds).
   */
  refresh(): Promise<void>;
}

/**
 * @example
 * const keys = createServerKeyService({ ring, store, clock, audit, presence, log });
 * await keys.rotate({ username: 'admin' });
 */
export function createServerKeyService(deps: {
  ring: ServerKeyRing;
  store: Store;
  clock: Clock;
  audit: AuditLog;
  presence: DevicePresence;
  log: Logger;
  /** A cluster's nodes share their keys: taken before each change and look, published after. */
  shared?: SharedServerKeys;
}): ServerKeyService {
  const { ring, store, clock, audit } = deps;
  const infoOf = (record: ServerKeyRecord, counts: Map<string, number>): ServerKeyInfo => ({
    fingerprint: record.fingerprint,
    publicKey: record.publicKey,
    createdAt: record.createdAt.toISOString(),
    status: record.status,
    ...(record.retiredAt && { retiredAt: record.retiredAt.toISOString() }),
    agentsPinned: counts.get(record.fingerprint) ?? 0,
  });

  // One change of the ring at a time: two rotations interleaving would each save a ring
  // without the other's key, after agents were handed over to it.
  let changing: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(change: () => Promise<T>): Promise<T> => {
    const next = changing.then(change);
    changing = next.catch(() => undefined);
    return next;
  };

  /**
   * Pushed rather than "reconnect": a dropped control channel ends the device's sessions and a
   * fleet reconnecting at once meets the connection rate limit.
   */
  const handOverToConnected = (): number => {
    const handover = {
      type: 'key.handover',
      serverPublicKey: ring.identity.publicKey,
      handovers: ring.handovers(),
    } as const;
    let agents = 0;
    for (const link of deps.presence.all()) {
      link.send(handover);
      agents += 1;
    }
    return agents;
  };

  /** A read first: agents reconnecting en masse rarely change their pin. */
  const recordPin = async (deviceId: string, publicKey: string): Promise<void> => {
    const fingerprint = ring.keys().find((record) => record.publicKey === publicKey)?.fingerprint;
    if (!fingerprint || (await store.serverKeyPins.find(deviceId)) === fingerprint) return;
    await store.serverKeyPins.record(deviceId, fingerprint, clock.now());
  };

  return {
    async list() {
      const counts = await store.serverKeyPins.counts();
      return ring.keys().map((record) => infoOf(record, counts));
    },
    rotate: (actor) =>
      oneAtATime(async () => {
        await deps.shared?.take();
        await ring.reload();
        const previous = ring.identity.publicKeyHash;
        const record = await ring.rotate(clock.now());
        await deps.shared?.publish();
        const agentsNotified = handOverToConnected();
        deps.log.info(
          { from: previous, to: record.fingerprint, agentsNotified },
          'server signing key rotated',
        );
        await recordChange(audit, 'settings.changed', actor, AUDIT_TARGET, {
          change: 'rotated',
          from: previous,
          to: record.fingerprint,
          agentsNotified,
        });
        return { key: infoOf(record, await store.serverKeyPins.counts()), agentsNotified };
      }),
    retire: (fingerprint, { confirm, actor }) =>
      oneAtATime(async () => {
        await deps.shared?.take();
        if (await ring.reload()) handOverToConnected();
        const known = ring.keys().find((record) => record.fingerprint === fingerprint);
        if (!known) throw new AppError('NOT_FOUND', `There is no server key ${fingerprint}.`);
        const counts = await store.serverKeyPins.counts();
        const agents = counts.get(fingerprint) ?? 0;
        if (known.status === 'previous' && agents > 0 && !confirm) {
          throw new AppError(
            'CONFLICT',
            `${agents} enrolled agent${agents === 1 ? '' : 's'} still pin${agents === 1 ? 's' : ''} key ${fingerprint}; once it is retired ${agents === 1 ? 'it needs' : 'they need'} a new enrolment. Wait for them to connect, or confirm to retire it anyway.`,
            { agentsPinned: agents },
          );
        }
        const record = await ring.retire(fingerprint, clock.now());
        await deps.shared?.publish();
        if (known.status !== 'retired') {
          await recordChange(audit, 'settings.changed', actor, AUDIT_TARGET, {
            change: 'retired',
            fingerprint,
            agentsStillPinned: agents,
          });
        }
        return infoOf(record, counts);
      }),
    identityFor: (fingerprint) => ring.identityFor(fingerprint),
    isRetired: (fingerprint) =>
      ring.keys().some((key) => key.fingerprint === fingerprint && key.status === 'retired'),
    handovers: () => ring.handovers(),
    onPinned: recordPin,
    async onAgentPinned(link, publicKey) {
      await recordPin(link.deviceId, publicKey);
      const current = ring.identity.publicKey;
      const handovers = ring.handovers();
      if (publicKey !== current && handovers.length > 0)
        link.send({ type: 'key.handover', serverPublicKey: current, handovers });
    },
    refresh: () =>
      oneAtATime(async () => {
        try {
          await deps.shared?.take();
          if (!(await ring.reload())) return;
          const agents = handOverToConnected();
          deps.log.info({ agents }, 'server signing key changed in the keys folder: handed over');
        } catch (error) {
          deps.log.error({ err: error }, 'cannot reload the server keys');
        }
      }),
  };
}
