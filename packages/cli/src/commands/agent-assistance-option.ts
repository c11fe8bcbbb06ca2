import { fixedUserPresence, type UserPresence } from '@tether/agent';
import { AppError } from '@tether/protocol';
import { stringOption, type CommandInput } from '../command.js';

/**
 * `--consent-timeout SEC` and `--user-presence auto|present|absent` of `tether agent run`.
 *
 * @example
 * const agent = await runAgent({ dataDir, log, ...assistanceOptions(input) });
 */
export function assistanceOptions(input: CommandInput): {
  consentTimeoutMs?: number;
  userPresence?: UserPresence;
} {
  const timeout = stringOption(input, 'consent-timeout');
  const presence = stringOption(input, 'user-presence') ?? 'auto';
  const seconds = timeout === undefined ? undefined : Number(timeout);
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 1 && seconds <= 50)) {
    throw new AppError(
      'INVALID_INPUT',
      '--consent-timeout must be a whole number of seconds from 1 to 50 (the relay token lasts 60 s).',
    );
  }
  if (!['auto', 'present', 'absent'].includes(presence)) {
    throw new AppError('INVALID_INPUT', '--user-presence must be auto, present or absent.');
  }
  return {
    ...(seconds === undefined ? {} : { consentTimeoutMs: seconds * 1000 }),
    ...(presence === 'auto' ? {} : { userPresence: fixedUserPresence(presence === 'present') }),
  };
}
