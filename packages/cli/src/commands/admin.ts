import { AppError } from '@tether/protocol/app-error';
import { stringOption, type Command } from '../command.js';
import { readStdin, withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

export const resetPasswordCommand: Command = {
  name: 'admin reset-password',
  summary: 'Set a new password for a console user (default: admin), without a browser.',
  usage: `tether admin reset-password [--username NAME] [--password-stdin] [--data-dir DIR]

Prints a new random password unless --password-stdin reads one from standard input.
Signs the user out of every open console session. Works while the server runs.`,
  options: {
    ...dataDirOptions,
    username: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  async run(input) {
    const { ADMIN_USERNAME, resetPassword, systemClock } = await import('@tether/server');
    const username = stringOption(input, 'username') ?? ADMIN_USERNAME;
    const given = input.values['password-stdin'] ? await readStdin() : undefined;
    if (given !== undefined && given.length < 12)
      throw new AppError('INVALID_INPUT', 'Choose a password of at least 12 characters.');
    const result = await withStore(await serverConfigFrom(input), ({ store, audit }) =>
      resetPassword({ store, clock: systemClock, audit, username, password: given }),
    );
    if (!result)
      throw new AppError('NOT_FOUND', `There is no user "${username}" in this data directory.`);
    input.out(
      given === undefined
        ? `New password for ${username}: ${result.password}`
        : `Password for ${username} changed.`,
    );
    return 0;
  },
};

export const unlockCommand: Command = {
  name: 'admin unlock',
  summary: 'Clear the sign-in delays of a console user (default: admin) after guessing attacks.',
  usage: `tether admin unlock [--username NAME] [--data-dir DIR]

Failed sign-ins slow down further attempts per account and address, and past 100 failures an
hour an account accepts sign-ins only from addresses it signed in from before. This clears the
account's ceiling and its per-address delays; a running server applies it within a second.
Audited as auth.unlocked. If the guessing goes on, it will slow sign-ins again: block the
attacking addresses, or change the password with \`tether admin reset-password\`.`,
  options: { ...dataDirOptions, username: { type: 'string' } },
  async run(input) {
    const { ADMIN_USERNAME, systemClock, unlockSignIn } = await import('@tether/server');
    const username = stringOption(input, 'username') ?? ADMIN_USERNAME;
    const unlocked = await withStore(await serverConfigFrom(input), ({ store, audit }) =>
      unlockSignIn({ store, clock: systemClock, audit, username }),
    );
    if (!unlocked)
      throw new AppError('NOT_FOUND', `There is no user "${username}" in this data directory.`);
    input.out(`Sign-in delays for ${username} cleared.`);
    return 0;
  },
};

export const trustedNetworksCommand: Command = {
  name: 'admin trusted-networks',
  summary: 'List or change the networks allowed to reach the admin interface besides localhost.',
  usage: `tether admin trusted-networks [list | add ENTRY... | remove ENTRY... | set ENTRY... | clear] [--data-dir DIR]

ENTRY is an IP address (192.168.1.20, fd00::5) or a CIDR subnet (10.0.0.0/8).
A running server picks up the change within a few seconds.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const { readTrustedNetworks, writeTrustedNetworks } = await import('@tether/server');
    const [action = 'list', ...entries] = input.positionals;
    const networks = await withStore(await serverConfigFrom(input), async ({ store, audit }) => {
      const current = await readTrustedNetworks(store);
      const next =
        action === 'list'
          ? current
          : action === 'add'
            ? [...current, ...entries]
            : action === 'remove'
              ? current.filter((entry) => !entries.includes(entry))
              : action === 'set'
                ? entries
                : action === 'clear'
                  ? []
                  : undefined;
      if (!next)
        throw new AppError(
          'INVALID_INPUT',
          `Unknown action "${action}"; use list, add, remove, set or clear.`,
        );
      if ((action === 'add' || action === 'remove' || action === 'set') && entries.length === 0) {
        throw new AppError('INVALID_INPUT', `Give at least one address or subnet to ${action}.`);
      }
      if (action === 'list') return current;
      const saved = await writeTrustedNetworks(store, next);
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'admin.trustedNetworks',
        details: { networks: saved, via: 'headless' },
      });
      return saved;
    });
    input.out(
      networks.length
        ? networks.join('\n')
        : 'No trusted networks: the admin interface is reachable from localhost only.',
    );
    return 0;
  },
};
