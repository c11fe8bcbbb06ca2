import { z } from 'zod';
import { AppError } from '@tether/protocol';
import type { Store } from '../store/store.js';
import { AddressList, isLocalhost, parseNetwork } from '../net/address-list.js';
import { readSetting } from '../store/read-setting.js';

const KEY = 'admin.trustedNetworks';

/** Networks allowed to reach the admin interface besides localhost (S-2). */
export async function readTrustedNetworks(store: Store): Promise<string[]> {
  return readSetting(store.settings, KEY, z.array(z.string()), []);
}

/** Validates every entry first; on any bad entry nothing is stored. */
export async function writeTrustedNetworks(store: Store, entries: string[]): Promise<string[]> {
  const cleaned = [...new Set(entries.map((entry) => entry.trim()).filter(Boolean))];
  for (const entry of cleaned) parseNetwork(entry);
  if (cleaned.length > 256) throw new AppError('INVALID_INPUT', 'At most 256 trusted networks.');
  await store.settings.set(KEY, cleaned);
  return cleaned;
}

export async function loadTrustedNetworkList(store: Store): Promise<AddressList> {
  return new AddressList(await readTrustedNetworks(store));
}

/**
 * Refuses a list that would shut out the administrator making the change: from another machine,
 * their own address must stay in it (on the server itself, localhost always is). Bad entries
 * are refused first, by the same check as `writeTrustedNetworks`.
 */
export function refuseLockOut(entries: readonly string[], sourceAddress: string): void {
  const next = new AddressList(entries.map((entry) => entry.trim()).filter(Boolean));
  if (isLocalhost(sourceAddress) || next.has(sourceAddress)) return;
  throw new AppError(
    'INVALID_INPUT',
    `This change would lock you out: you are connecting from ${sourceAddress}, which the new list does not allow. Keep a network that contains it, or make the change on the server itself.`,
  );
}
