import { randomUUID } from 'node:crypto';
import {
  AppError,
  secureOnHex,
  type AgentMessage,
  type DeviceNetwork,
  type MessageOf,
  type WakeResult,
} from '@tether/protocol';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { WakeConfig } from '../config/wake-config.js';
import type { AgentLink, DevicePresence } from '../devices/device-presence.js';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { Logger } from '../logging.js';
import type { DeviceRecord, Store } from '../store/store.js';
import { subnetsOf } from './network-keys.js';
import { sendWakeUp } from './send-wake-up.js';
import { WakeRelays } from './wake-relays.js';

/** After each attempt a device cannot be woken again for this long. */
export const WAKE_COOLDOWN_MS = 30_000;
/** How long the relaying agent has to say it sent the packets. */
const RELAY_ANSWER_MS = 10_000;
/** Relays tried in turn when one fails (a connection not yet seen dead, a send error). */
const MAX_RELAYS_TRIED = 3;

type WakeOnLanSent = MessageOf<AgentMessage, 'wake.on_lan_sent'>;

/** Waking devices; see {@link createWakeService}. */
export interface WakeService {
  /** A device's agent is connected and welcomed: tell it its mode, file it as a relay. */
  /** An agent is connected and welcomed: a relay for its network; told whether it is passive. */
  onDeviceReady(device: DeviceRecord): void;
  onDeviceDisconnected(deviceId: string): void;
  /** A passive agent said where it listens. */
  onListening(deviceId: string, report: { port: number; remoteAddress: string }): Promise<void>;
  onWakeOnLanSent(deviceId: string, reply: WakeOnLanSent): void;
  /** Wakes an offline device; see `wakeDevice`. */
  wake(deviceId: string, actor: AdminActor, options?: { secureOn?: string }): Promise<WakeResult>;
}

/**
 * Wakes offline devices: a passive agent gets a wake-up signed with the server key at the
 * addresses it last had; otherwise an online agent on the device's subnet, or behind its
 * default gateway, sends Wake-on-LAN magic packets for each of its cards. One attempt per
 * device per 30 s, audited. Relays are the online agents of the whole cluster: those of
 * other nodes are sent to over the bus, and their answers come back the same way.
 *
 * @example
 * const result = await wake.wake(deviceId, { username: 'admin' });
 */
export function createWakeService(deps: {
  store: Store;
  clock: Clock;
  identity: ServerIdentity;
  presence: DevicePresence;
  audit: AuditLog;
  log: Logger;
  config: WakeConfig;
}): WakeService {
  const { store, clock, presence, config, log } = deps;
  const relays = new WakeRelays();
  /**
   * Each device's cooldown is a shared guess counter (`blockedUntil`: when it may be woken
   * again), taken in one locked change: two nodes of a cluster asked at once wake it once.
   */
  const cooldownKey = (deviceId: string): string => `wake:${deviceId}`;
  /** Wake-on-LAN requests waiting for their relay's answer. */
  const pending = new Map<string, (reply: WakeOnLanSent) => void>();
  // In a cluster, the agents of the other nodes relay too (their messages go over the bus): they
  // are learnt from the device events; this node's own come through onDeviceReady.
  presence.events.on('online', ({ deviceId }) => {
    const link = presence.get(deviceId);
    if (!link || presence.local(deviceId) || !link.capabilities.includes('wake')) return;
    if (link.network) {
      relays.add(deviceId, link.network);
      return;
    }
    // A node of an earlier version does not send the network with the agent: read it.
    store.devices
      .find(deviceId)
      .then((device) => {
        const network = device?.inventory.network;
        if (network && presence.get(deviceId) === link) relays.add(deviceId, network);
      })
      .catch((error: unknown) => log.warn({ err: error, deviceId }, 'cannot read a wake relay'));
  });
  presence.events.on('offline', ({ deviceId }) => relays.remove(deviceId));

  /** Starts the device's cooldown; when one runs already, the milliseconds it has left. */
  const startCooldown = (deviceId: string): Promise<{ until: number; waitMs: number }> =>
    store.guessCounters.update([cooldownKey(deviceId)], ([counter]) => {
      const now = clock.now().getTime();
      if (!counter) return { until: now, waitMs: 0 };
      if (counter.blockedUntil > now)
        return { until: counter.blockedUntil, waitMs: counter.blockedUntil - now };
      counter.blockedUntil = now + WAKE_COOLDOWN_MS;
      counter.lastAt = now;
      return { until: counter.blockedUntil, waitMs: 0 };
    });
  /** Ends the cooldown of a wake-up that could not be sent (it may be tried again at once). */
  const endCooldown = (deviceId: string): Promise<void> =>
    store.guessCounters.update([cooldownKey(deviceId)], ([counter]) => {
      if (counter) counter.blockedUntil = 0;
    });

  /** A wake-up to each address the passive agent may have; the first to accept wins. */
  const wakePassive = async (device: DeviceRecord): Promise<string | undefined> => {
    const known = await store.wakeAddresses.find(device.id);
    if (!known) return undefined;
    const hosts = new Set([
      ...(device.inventory.network?.interfaces ?? []).flatMap((card) =>
        card.ipv4.map((entry) => entry.address),
      ),
      known.remoteAddress,
    ]);
    const attempts = [...hosts].map(async (host) => {
      const reply = await sendWakeUp({
        host,
        port: known.passivePort,
        deviceId: device.id,
        sign: (text) => deps.identity.sign(text),
        now: clock.now(),
      });
      if (!reply.ok) throw new Error(reply.message ?? 'refused');
      return `${host}:${known.passivePort}`;
    });
    return Promise.any(attempts).catch((error: unknown) => {
      const reasons = error instanceof AggregateError ? error.errors : [error];
      log.warn(
        { deviceId: device.id, reasons: reasons.map((reason) => String(reason)) },
        'no address of the passive agent accepted a wake-up',
      );
      return undefined;
    });
  };

  /** Has one relay send the packets for each card; throws UNAVAILABLE with what went wrong. */
  const sendThrough = async (
    link: AgentLink,
    via: DeviceRecord,
    request: { device: DeviceRecord; network: DeviceNetwork; secureOn: string | undefined },
  ): Promise<string[]> => {
    const targets = subnetsOf(request.network).map((subnet) => ({
      address: subnet.broadcast,
      port: config.wakeOnLanPort,
    }));
    const macs = request.network.interfaces.map((card) => card.mac);
    for (const mac of macs) {
      const requestId = randomUUID();
      const answered = new Promise<WakeOnLanSent | undefined>((resolve) => {
        const cancel = clock.setTimer(() => {
          pending.delete(requestId);
          resolve(undefined);
        }, RELAY_ANSWER_MS);
        pending.set(requestId, (reply) => {
          cancel();
          resolve(reply);
        });
      });
      link.send({
        type: 'wake.on_lan',
        requestId,
        mac,
        targets: targets.slice(0, 8),
        ...(request.secureOn === undefined ? {} : { secureOn: secureOnHex(request.secureOn) }),
      });
      const reply = await answered;
      if (!reply)
        throw unavailable(request.device, `the agent of "${via.name}" did not answer in time`);
      if (reply.error)
        throw unavailable(
          request.device,
          `the agent of "${via.name}" said: ${reply.error.message}`,
        );
    }
    return macs;
  };

  /** Through the best relay that answers (a few tried); undefined when there is none. */
  const wakeOnLan = async (
    device: DeviceRecord,
    network: DeviceNetwork,
    secureOn: string | undefined,
  ): Promise<{ via: DeviceRecord; macs: string[] } | undefined> => {
    const candidates = relays.candidates(network, {
      exclude: device.id,
      isOnline: (id) => presence.isOnline(id),
      limit: MAX_RELAYS_TRIED,
    });
    let failure: Error | undefined;
    for (const viaId of candidates) {
      const link = presence.get(viaId);
      const via = await store.devices.find(viaId);
      if (!link || !via) continue;
      try {
        return { via, macs: await sendThrough(link, via, { device, network, secureOn }) };
      } catch (error) {
        log.warn({ deviceId: device.id, via: viaId, err: error }, 'a Wake-on-LAN relay failed');
        failure = error instanceof Error ? error : new Error(String(error));
      }
    }
    if (failure !== undefined) throw failure;
    return undefined;
  };

  return {
    onDeviceReady(device) {
      const link = presence.get(device.id);
      if (!link || !link.capabilities.includes('wake')) return;
      if (device.inventory.network) relays.add(device.id, device.inventory.network);
      link.send({
        type: 'wake.mode',
        connectionType: device.connectionType,
        passivePort: config.passivePort,
        idleSec: config.passiveIdleSec,
      });
    },
    onDeviceDisconnected(deviceId) {
      relays.remove(deviceId);
    },
    async onListening(deviceId, report) {
      await store.wakeAddresses.record(deviceId, {
        remoteAddress: report.remoteAddress,
        passivePort: report.port,
        reportedAt: clock.now(),
      });
    },
    onWakeOnLanSent(_deviceId, reply) {
      const resolve = pending.get(reply.requestId);
      pending.delete(reply.requestId);
      resolve?.(reply);
    },
    async wake(deviceId, actor, options = {}) {
      const device = await store.devices.find(deviceId);
      if (!device || device.deletedAt)
        throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
      if (presence.isOnline(deviceId))
        throw new AppError('CONFLICT', `"${device.name}" is online already: no need to wake it.`);
      const cooldown = await startCooldown(deviceId);
      if (cooldown.waitMs > 0) {
        const retryAfterSec = Math.ceil(cooldown.waitMs / 1000);
        throw new AppError(
          'RATE_LIMITED',
          `"${device.name}" was woken less than 30 seconds ago; try again in ${retryAfterSec} s.`,
          { retryAfterSec },
        );
      }
      const nextAttemptAt = new Date(cooldown.until);
      const audit = (details: Record<string, unknown>): Promise<void> =>
        recordChange(deps.audit, 'device.wake', actor, deviceId, details);

      const address = device.connectionType === 'passive' ? await wakePassive(device) : undefined;
      if (address) {
        await audit({ method: 'passive', address });
        return { deviceId, method: 'passive', address, nextAttemptAt: nextAttemptAt.toISOString() };
      }
      const network = device.inventory.network;
      if (!network || network.interfaces.length === 0) {
        if (device.connectionType !== 'passive') await endCooldown(deviceId);
        throw unavailable(
          device,
          device.connectionType === 'passive'
            ? 'its passive agent did not accept a wake-up, and its agent never reported a network card for Wake-on-LAN'
            : 'its agent never reported a network card (an agent older than Wake-on-LAN, or the device has none)',
        );
      }
      const sent = await wakeOnLan(device, network, options.secureOn);
      if (!sent) {
        if (device.connectionType !== 'passive') await endCooldown(deviceId);
        throw unavailable(
          device,
          'no online agent is on its subnet or behind its default gateway to send Wake-on-LAN packets',
        );
      }
      await audit({
        method: 'wake-on-lan',
        via: sent.via.id,
        macs: sent.macs,
        secureOn: options.secureOn !== undefined,
      });
      return {
        deviceId,
        method: 'wake-on-lan',
        via: { id: sent.via.id, name: sent.via.name },
        macs: sent.macs,
        nextAttemptAt: nextAttemptAt.toISOString(),
      };
    },
  };
}

function unavailable(device: DeviceRecord, why: string): AppError {
  return new AppError('UNAVAILABLE', `Cannot wake "${device.name}": ${why}.`);
}
