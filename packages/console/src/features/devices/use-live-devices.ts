import type { Device } from '@tether/protocol';
import { watchDevices } from '@tether/sdk';
import { useEffect, useState } from 'react';
import { useConsole } from '../../api/console-context.js';

/** Live device updates: the latest version of each device seen on the stream, by id. */
export interface LiveDevices {
  updates: ReadonlyMap<string, Device>;
  /** Devices deleted since the page loaded (issue 15): lists leave them out. */
  deleted: ReadonlySet<string>;
  /** `false` while the event stream is down and the browser reconnects it. */
  isLive: boolean;
}

/**
 * Follows the server's device event stream for as long as the component is mounted.
 *
 * @example
 * const live = useLiveDevices();
 * const shown = devices.map((device) => live.updates.get(device.id) ?? device);
 */
export function useLiveDevices(): LiveDevices {
  const { api } = useConsole();
  const [updates, setUpdates] = useState<ReadonlyMap<string, Device>>(new Map());
  const [isLive, setLive] = useState(true);
  const [deleted, setDeleted] = useState<ReadonlySet<string>>(new Set());

  useEffect(
    () =>
      watchDevices(api.deviceEventsUrl(), {
        onDevice: (device) => setUpdates((previous) => new Map(previous).set(device.id, device)),
        onDeleted: (id) => setDeleted((previous) => new Set(previous).add(id)),
        onConnectionChange: setLive,
      }),
    [api],
  );
  return { updates, deleted, isLive };
}
