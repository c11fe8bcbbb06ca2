import type { MessageOf, ServerMessage } from '@tether/protocol';

/** Who deleted a device, as far as its agent is told. */
export type UninstallCause =
  { by: 'administrator'; username: string } | { by: 'maintenance' } | { by: 'adhoc' };

/**
 * What a deleted device's agent is told, at deletion when it is online and each time it comes
 * back (cause unknown then: the tombstone keeps no reason): uninstall, and do not reconnect.
 *
 * @example
 * link.send(uninstallMessage({ by: 'maintenance' }));
 */
export function uninstallMessage(
  cause?: UninstallCause,
): MessageOf<ServerMessage, 'device.uninstall'> {
  if (cause?.by === 'maintenance')
    return {
      type: 'device.uninstall',
      reason: 'expired',
      message: 'This device was offline past its deletion threshold and was deleted.',
    };
  if (cause?.by === 'adhoc')
    return {
      type: 'device.uninstall',
      reason: 'deleted',
      message: 'The ad-hoc session of this one-time agent ended.',
    };
  return {
    type: 'device.uninstall',
    reason: 'deleted',
    message: cause
      ? `This device was deleted from the server by ${cause.username}.`
      : 'This device was deleted from the server.',
  };
}
