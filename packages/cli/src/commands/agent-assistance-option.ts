import type { UserPresence } from '@tether/agent';
import { AppError } from '@tether/protocol/app-error';
import { stringOption, type CommandInput } from '../command.js';

/**
 * `--consent-timeout SEC`, `--user-presence auto|present|absent|locked|file:PATH` and
 * `--presence-interval SEC` of `tether agent run`.
 *
 * @example
 * const agent = await runAgent({ dataDir, log, ...(await assistanceOptions(input)) });
 */
export async function assistanceOptions(input: CommandInput): Promise<{
  consentTimeoutMs?: number;
  userPresence?: UserPresence;
  presenceCheckMs?: number;
}> {
  const timeout = stringOption(input, 'consent-timeout');
  const presence = stringOption(input, 'user-presence') ?? 'auto';
  const seconds = timeout === undefined ? undefined : Number(timeout);
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 1 && seconds <= 50)) {
    throw new AppError(
      'INVALID_INPUT',
      '--consent-timeout must be a whole number of seconds from 1 to 50 (the relay token lasts 60 s).',
    );
  }
  const interval = stringOption(input, 'presence-interval');
  const intervalSec = interval === undefined ? undefined : Number(interval);
  if (intervalSec !== undefined && !(Number.isInteger(intervalSec) && intervalSec >= 1)) {
    throw new AppError(
      'INVALID_INPUT',
      '--presence-interval must be a whole number of seconds, 1 or more.',
    );
  }
  return {
    ...(seconds === undefined ? {} : { consentTimeoutMs: seconds * 1000 }),
    ...(presence === 'auto' ? {} : { userPresence: await presenceSource(presence) }),
    ...(intervalSec === undefined ? {} : { presenceCheckMs: intervalSec * 1000 }),
  };
}

async function presenceSource(option: string): Promise<UserPresence> {
  const { PRESENCE_STATES, fileUserPresence, fixedUserPresence } = await import('@tether/agent');
  if (option.startsWith('file:') && option.length > 'file:'.length) {
    return fileUserPresence(option.slice('file:'.length));
  }
  const state = PRESENCE_STATES.find((candidate) => candidate === option);
  if (!state) {
    throw new AppError(
      'INVALID_INPUT',
      '--user-presence must be auto, present, absent, locked or file:PATH (a file holding one of present, absent, locked).',
    );
  }
  return fixedUserPresence(state);
}
