import { AppError } from '@tether/protocol/app-error';
import type { DeviceRight, Grant, GrantSubjectKind } from '@tether/protocol';
import { stringOption, requireOption, type Command, type CommandInput } from '../command.js';
import { dataDirOptions } from '../server-config.js';
import { HEADLESS, withTeams, type TeamTools } from './teams.js';

const RIGHTS_HELP = `RIGHTS is a comma-separated list of: device.view, terminal, desktop.view, desktop.control,
files, unattended, recordings, devices.manage, policies.manage. GROUP is a device group's name,
or * for every group. Administrators have every right whatever the grants; other roles are
limited by their permissions. Until the first grant is made every user has every right their
role allows; from then on only what is granted.`;

const subjectOptions = {
  team: { type: 'string' },
  user: { type: 'string' },
} as const;

/** The team or user of `--team` / `--user` (exactly one). */
async function subjectOf(
  input: CommandInput,
  tools: TeamTools,
  command: string,
): Promise<{ kind: GrantSubjectKind; id: string }> {
  const team = stringOption(input, 'team');
  const user = stringOption(input, 'user');
  if ((team === undefined) === (user === undefined))
    throw new AppError(
      'INVALID_INPUT',
      `Give either --team NAME or --user USERNAME. Run \`tether teams ${command} --help\` for usage.`,
    );
  return team !== undefined
    ? { kind: 'team', id: (await tools.team(team)).id }
    : { kind: 'user', id: await tools.userId(user ?? '') };
}

function rightsOf(input: CommandInput): DeviceRight[] {
  const text = requireOption(input, 'rights', 'teams grant');
  // Checked by the service against the rights, with the message the API gives.
  return text
    .split(',')
    .map((right) => right.trim())
    .filter((right) => right !== '') as DeviceRight[];
}

const grantCommand: Command = {
  name: 'teams grant',
  summary: 'Set the rights of a team or user on a device group.',
  usage: `tether teams grant (--team NAME | --user USERNAME) --group GROUP --rights RIGHTS [--data-dir DIR]

Replaces what the team or user had on the group. ${RIGHTS_HELP}`,
  options: {
    ...dataDirOptions,
    ...subjectOptions,
    group: { type: 'string' },
    rights: { type: 'string' },
  },
  async run(input) {
    const group = requireOption(input, 'group', 'teams grant');
    const rights = rightsOf(input);
    if (rights.length === 0)
      throw new AppError(
        'INVALID_INPUT',
        'Give at least one right; `tether teams revoke` removes them all.',
      );
    await withTeams(input, async (tools) =>
      tools.teams.setGrant(
        { subject: await subjectOf(input, tools, 'grant'), group, rights },
        HEADLESS,
      ),
    );
    input.out(`Granted ${rights.join(', ')} on ${group}.`);
    return 0;
  },
};

const revokeCommand: Command = {
  name: 'teams revoke',
  summary: 'Remove every right of a team or user on a device group.',
  usage: `tether teams revoke (--team NAME | --user USERNAME) --group GROUP [--data-dir DIR]

Takes effect at their next request; sessions they open later are refused.`,
  options: { ...dataDirOptions, ...subjectOptions, group: { type: 'string' } },
  async run(input) {
    const group = requireOption(input, 'group', 'teams revoke');
    await withTeams(input, async (tools) =>
      tools.teams.setGrant(
        { subject: await subjectOf(input, tools, 'revoke'), group, rights: [] },
        HEADLESS,
      ),
    );
    input.out(`Revoked every right on ${group}.`);
    return 0;
  },
};

function describeGrant(grant: Grant): string {
  return [grant.group, grant.subject.kind, grant.subject.name, grant.rights.join(',')].join('\t');
}

const grantsCommand: Command = {
  name: 'teams grants',
  summary: 'List the grants of rights on device groups.',
  usage: `tether teams grants [--group GROUP] [--team NAME | --user USERNAME] [--data-dir DIR]

One grant a line, tab-separated: group (* for all), team or user, its name, its rights.
With --group, the grants on all groups (*) are listed too.`,
  options: { ...dataDirOptions, ...subjectOptions, group: { type: 'string' } },
  async run(input) {
    const group = stringOption(input, 'group');
    const list = await withTeams(input, async (tools) => {
      const filtered = stringOption(input, 'team') ?? stringOption(input, 'user');
      const subject = filtered === undefined ? undefined : await subjectOf(input, tools, 'grants');
      return tools.teams.listGrants({
        ...(group ? { group } : {}),
        ...(subject?.kind === 'team' ? { teamId: subject.id } : {}),
        ...(subject?.kind === 'user' ? { userId: subject.id } : {}),
      });
    });
    input.out(
      [
        list.enforced
          ? '# Rights are what these grants say.'
          : '# No grant made yet: every user has every right their role allows.',
        'GROUP\tKIND\tNAME\tRIGHTS',
        ...list.grants.map(describeGrant),
      ].join('\n'),
    );
    return 0;
  },
};

export const teamGrantCommands: Command[] = [grantCommand, revokeCommand, grantsCommand];
