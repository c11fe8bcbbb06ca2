import type { CustomStorage } from '@tether/protocol';
import type { PolicyService } from '../policies/policy-service.js';
import { describeTarget, parseSftpUrl } from '../storage/index.js';
import type { Store } from '../store/store.js';
import type { UploadRecord } from '../store/upload-repository.js';

/** The storage URL as stored and shown: normalised, never with a credential. */
export function targetOf(storage: CustomStorage): string {
  try {
    return describeTarget(parseSftpUrl(storage.url));
  } catch {
    return storage.url;
  }
}

/**
 * The storage a queued recording goes to: always the target in force when it was recorded
 * (`row.target`), never the one its device's policy names now. A policy that names that same
 * target now — the device's own first, else the most recently changed — supplies the setting,
 * so a rotated credential or a re-pinned host key applies to waiting uploads; otherwise the
 * setting kept with the queue entry is used. Undefined only for an entry queued before settings
 * were kept (migration 0006) whose target no policy names any more.
 *
 * @example
 * const storage = await storageFor({ store, policies }, row);
 */
export async function storageFor(
  deps: { store: Store; policies: PolicyService },
  row: UploadRecord,
): Promise<CustomStorage | undefined> {
  const current = (await deps.policies.effectiveFor(row.deviceId)).customStorage;
  if (current && targetOf(current) === row.target) return current;
  const naming = (await deps.store.policies.list())
    .filter((policy) => {
      const storage = policy.settings.customStorage;
      return storage !== undefined && targetOf(storage) === row.target;
    })
    .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
  return naming[0]?.settings.customStorage ?? row.storage ?? undefined;
}
