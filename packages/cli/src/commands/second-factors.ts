import { AppError } from '@tether/protocol/app-error';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether admin reset-password`, these work on the data directory, while the server runs or
// not: an administrator who lost their phone gets back in without a browser.

const HEADLESS = { username: 'system', via: 'headless' } as const;

/** Removes every second factor of `username`; throws `NOT_FOUND` when there is no such user. */
async function resetFactorsOf(input: CommandInput, username: string): Promise<void> {
  const { headlessSecondFactors, systemClock } = await import('@tether/server');
  await withStore(await serverConfigFrom(input), async ({ store, audit }) => {
    const user = await store.users.findByUsername(username);
    if (!user)
      throw new AppError('NOT_FOUND', `There is no user "${username}" in this data directory.`);
    await headlessSecondFactors({ store, clock: systemClock, audit }).reset(user.id, HEADLESS);
  });
  input.out(
    `Second factors of ${username} removed; signed out everywhere. If their role requires a second factor, they add a new one at their next sign-in.`,
  );
}

const RESET_HELP = `Removes the user's authenticator app, passkeys and recovery codes (they lost them) and
signs them out everywhere. Audited as second_factor.reset. If their role requires a second
factor, they must add a new one right after their password at the next sign-in.`;

const userResetCommand: Command = {
  name: 'users reset-2fa',
  summary: "Remove a console user's second factors (lost phone or security key).",
  usage: `tether users reset-2fa USERNAME [--data-dir DIR]

${RESET_HELP}`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [username, ...extra] = input.positionals;
    if (!username || extra.length > 0)
      throw new AppError(
        'INVALID_INPUT',
        'Give one username. Run `tether users reset-2fa --help` for usage.',
      );
    await resetFactorsOf(input, username);
    return 0;
  },
};

const adminResetCommand: Command = {
  name: 'admin reset-2fa',
  summary: 'Remove the second factors of the administrator (default: admin), without a browser.',
  usage: `tether admin reset-2fa [--username NAME] [--data-dir DIR]

${RESET_HELP} Works while the server runs.`,
  options: { ...dataDirOptions, username: { type: 'string' } },
  async run(input) {
    const { ADMIN_USERNAME } = await import('@tether/server');
    await resetFactorsOf(input, stringOption(input, 'username') ?? ADMIN_USERNAME);
    return 0;
  },
};

const requireCommand: Command = {
  name: 'admin require-2fa',
  summary: 'Show or set the roles whose users must sign in with a second factor.',
  usage: `tether admin require-2fa [ROLE...] [--none] [--data-dir DIR]

Without arguments, prints the roles that require a second factor. With ROLEs (administrator,
privileged, technician), requires it for exactly those; --none requires it for no role. A user
of such a role who has no second factor adds one right after their password, before anything
else. A running server applies the change within seconds. Audited as settings.changed.`,
  options: { ...dataDirOptions, none: { type: 'boolean' } },
  allowPositionals: true,
  async run(input) {
    const { headlessSecondFactors, systemClock } = await import('@tether/server');
    const { SecondFactorSettings, invalidInput } = await import('../schemas.js');
    const isChange = input.positionals.length > 0 || input.values.none === true;
    if (input.positionals.length > 0 && input.values.none)
      throw new AppError('INVALID_INPUT', 'Give roles or --none, not both.');
    const parsed = SecondFactorSettings.safeParse({ requiredRoles: input.positionals });
    if (!parsed.success) throw invalidInput('roles', parsed.error);
    const { requiredRoles } = await withStore(await serverConfigFrom(input), ({ store, audit }) => {
      const factors = headlessSecondFactors({ store, clock: systemClock, audit });
      return isChange ? factors.setSettings(parsed.data, HEADLESS) : factors.settings();
    });
    input.out(
      requiredRoles.length > 0
        ? `A second factor is required for: ${requiredRoles.join(', ')}.`
        : 'No role requires a second factor.',
    );
    return 0;
  },
};

export const secondFactorCommands: Command[] = [
  userResetCommand,
  adminResetCommand,
  requireCommand,
];
