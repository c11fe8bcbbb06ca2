import { AppError } from '@tether/protocol/app-error';
import type { AdhocSession } from '@tether/protocol';
import type { AdhocSessions, UserRecord } from '@tether/server';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether installer`, these work on the data directory, while the server runs or not.

const asHelp = '  --as USERNAME       the technician the session is for (default admin)';

/** Runs `work` with the ad-hoc sessions of the data directory and the technician's record. */
async function withAdhoc<T>(
  input: CommandInput,
  work: (adhoc: AdhocSessions, user: UserRecord) => Promise<T>,
): Promise<T> {
  const config = await serverConfigFrom(input);
  const { adhocSessionsHeadless, readPublicUrlHeadless } = await import('@tether/server');
  const username = stringOption(input, 'as') ?? 'admin';
  return withStore(config, async ({ store, audit }) => {
    const user = await store.users.findByUsername(username);
    if (!user) throw new AppError('NOT_FOUND', `No user "${username}": give --as USERNAME.`);
    const publicUrl = (await readPublicUrlHeadless({ config, store })).effective;
    return work(adhocSessionsHeadless({ store, audit, publicUrl }), user);
  });
}

function describe(session: AdhocSession): string {
  return [
    session.id,
    session.state,
    session.group,
    session.createdBy,
    session.expiresAt,
    session.deviceName ?? '-',
    session.isInstalledAgent ? 'installed agent' : 'one-time agent',
  ].join('\t');
}

const createCommand: Command = {
  name: 'adhoc create',
  summary: 'Make an ad-hoc session code for a user to enter on the support portal.',
  usage: `tether adhoc create --group GROUP [--valid-minutes N] [--no-installed-agent]
                    [--as USERNAME] [--data-dir DIR]

  --group GROUP         the device group the user's machine joins (its policies apply)
  --valid-minutes N     how long the code can be used: 1 … 1440 (default 15)
  --no-installed-agent  always run a one-time agent, even where an agent is installed
${asHelp}

Prints the nine-digit code (shown this once) and the portal address: the user opens it,
enters the code, and runs the one-time agent it offers (nothing is installed; it asks the
user before every session and removes itself when the session ends).`,
  options: {
    group: { type: 'string' },
    'valid-minutes': { type: 'string' },
    'no-installed-agent': { type: 'boolean' },
    as: { type: 'string' },
    ...dataDirOptions,
  },
  async run(input) {
    const { CreateAdhocSessionRequest, invalidInput } = await import('../schemas.js');
    const minutes = stringOption(input, 'valid-minutes');
    const parsed = CreateAdhocSessionRequest.safeParse({
      group: stringOption(input, 'group'),
      ...(minutes !== undefined && { validMinutes: Number(minutes) }),
      allowInstalledAgent: input.values['no-installed-agent'] !== true,
    });
    if (!parsed.success) throw invalidInput('ad-hoc session', parsed.error);
    const created = await withAdhoc(input, (adhoc, user) => adhoc.create(user, parsed.data, 'cli'));
    input.out(`Code: ${created.code.replace(/(\d{3})(?=\d)/g, '$1 ')}`);
    input.out(`Portal: ${created.portalUrl}`);
    input.out(
      `Valid until ${created.session.expiresAt}, once. Session ${created.session.id} (group "${created.session.group}").`,
    );
    return 0;
  },
};

const listCommand: Command = {
  name: 'adhoc list',
  summary: 'List the latest ad-hoc sessions.',
  usage: `tether adhoc list [--as USERNAME] [--data-dir DIR]

One session a line, tab-separated: id, state (waiting, connected, ended, expired), group,
technician, code expiry, device, agent kind.
${asHelp} (the groups they may see)`,
  options: { as: { type: 'string' }, ...dataDirOptions },
  async run(input) {
    const sessions = await withAdhoc(input, (adhoc, user) => adhoc.list(user));
    const header = 'ID\tSTATE\tGROUP\tTECHNICIAN\tEXPIRES\tDEVICE\tAGENT';
    input.out([header, ...sessions.map(describe)].join('\n'));
    return 0;
  },
};

const endCommand: Command = {
  name: 'adhoc end',
  summary: 'End an ad-hoc session: its code stops working.',
  usage: `tether adhoc end ID [--as USERNAME] [--data-dir DIR]
${asHelp}`,
  options: { as: { type: 'string' }, ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [id] = input.positionals;
    if (input.positionals.length !== 1 || id === undefined)
      throw new AppError('INVALID_INPUT', 'Expected one ad-hoc session ID: tether adhoc end ID.');
    await withAdhoc(input, (adhoc, user) => adhoc.end(user, id, 'cli'));
    input.out(`Ad-hoc session ${id} ended.`);
    return 0;
  },
};

export const adhocCommands: Command[] = [createCommand, listCommand, endCommand];
