import { z } from 'zod';
import { RemoteControlId } from '../agent/oem-messages.js';

/** A GUID with or without the braces Windows tools write; normalised to lower case without braces. */
const Guid = z
  .string()
  .transform((text) =>
    text
      .trim()
      .replace(/^\{(.*)\}$/, '$1')
      .toLowerCase(),
  )
  .pipe(z.uuid());

/**
 * The rollout file the agent writes (O-2) and its IPC endpoint hands out (O-5): a RolloutKey
 * valid for one `createdevicekey` request, the GUID to send as `request_id`, and the device's
 * remote-control ID. Field names follow the vendor document.
 *
 * @example
 * const data = RolloutData.parse(JSON.parse(text));
 * data.RolloutKey; // passphrase of the encrypted device key the next request returns
 */
export const RolloutData = z.object({
  RolloutKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 random bytes as base64url'),
  RequestId: Guid,
  RemotecontrolId: RemoteControlId,
});
export type RolloutData = z.infer<typeof RolloutData>;
