import { AppError } from '@tether/protocol/app-error';
import type { ServerKeyInfo } from '@tether/protocol';
import type { ServerKeyService } from '@tether/server';
import type { Command, CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether admin trusted-networks`, these work on the data directory while the server runs
// or not: a running server picks up a rotation within seconds and hands it to its agents.

/** The audit log's name for changes made here. */
const HEADLESS = { username: 'system', via: 'headless' } as const;

async function withKeys<T>(
  input: CommandInput,
  work: (keys: ServerKeyService) => Promise<T>,
): Promise<T> {
  const { createLogger, headlessServerKeys, systemClock } = await import('@tether/server');
  const config = await serverConfigFrom(input);
  return withStore(config, async ({ store, audit }) =>
    work(
      await headlessServerKeys({
        dataDir: config.dataDir,
        store,
        audit,
        clock: systemClock,
        log: createLogger({ level: 'silent' }),
        isClustered: config.cluster !== undefined,
      }),
    ),
  );
}

function describeKey(key: ServerKeyInfo): string {
  const retired = key.retiredAt ? ` (retired ${key.retiredAt})` : '';
  return [key.fingerprint, key.status, key.createdAt, `${key.agentsPinned} agents${retired}`].join(
    '\t',
  );
}

const listCommand: Command = {
  name: 'admin keys list',
  summary: 'List the server signing keys with the number of agents on each.',
  usage: `tether admin keys list [--data-dir DIR]

One line per key, oldest first: fingerprint, status (current, previous, retired), creation
date, and how many enrolled agents last confirmed that key as their pin.`,
  options: { ...dataDirOptions },
  async run(input) {
    const keys = await withKeys(input, (service) => service.list());
    input.out(keys.map(describeKey).join('\n'));
    return 0;
  },
};

const rotateCommand: Command = {
  name: 'admin keys rotate',
  summary: 'Generate a new server signing key; the current key hands over to it.',
  usage: `tether admin keys rotate [--data-dir DIR]

The new key signs installers, enrolments and agent connections from now on. The old key signs a
hand-over to it: agents re-pin the new key by themselves (connected ones within seconds of a
running server noticing, the others when they next connect), without a new enrolment.
Installers made before keep working until their key is retired (tether admin keys retire).`,
  options: { ...dataDirOptions },
  async run(input) {
    const { key } = await withKeys(input, (service) => service.rotate(HEADLESS));
    input.out(`New server signing key ${key.fingerprint} is current.`);
    return 0;
  },
};

const retireCommand: Command = {
  name: 'admin keys retire',
  summary: 'Retire an old server signing key (its private half is deleted).',
  usage: `tether admin keys retire FINGERPRINT [--confirm] [--data-dir DIR]

Its hand-over is no longer offered and its installers no longer enrol. Refused while enrolled
agents still pin the key (see tether admin keys list) unless --confirm: those agents then need
a new enrolment. The current key cannot be retired: rotate first.`,
  options: { ...dataDirOptions, confirm: { type: 'boolean' } },
  allowPositionals: true,
  async run(input) {
    const [fingerprint, ...extra] = input.positionals;
    if (!fingerprint || extra.length > 0)
      throw new AppError(
        'INVALID_INPUT',
        'Give the fingerprint of one key (tether admin keys list shows them).',
      );
    const key = await withKeys(input, (service) =>
      service.retire(fingerprint, { confirm: input.values.confirm === true, actor: HEADLESS }),
    );
    input.out(`Server signing key ${key.fingerprint} is retired.`);
    return 0;
  },
};

/** `tether admin keys …` (S-6). */
export const serverKeyCommands: Command[] = [listCommand, rotateCommand, retireCommand];
