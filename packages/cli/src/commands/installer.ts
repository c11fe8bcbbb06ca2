import { join } from 'node:path';
import { AppError } from '@tether/protocol/app-error';
import type { InstallerAttributeName } from '@tether/protocol';
import { requireOption, stringOption, type Command, type CommandInput } from '../command.js';
import { parseDuration } from '../duration.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';
import { installerManageCommands } from './installer-manage.js';

/** `--flag VALUE` options and the attribute each one sets. */
const ATTRIBUTE_OPTIONS = {
  name: 'name',
  comments: 'comments',
  tag: 'tag',
  'jump-policy': 'jumpPolicy',
  'session-policy-present': 'sessionPolicyPresent',
  'session-policy-not-present': 'sessionPolicyNotPresent',
  'public-site-address': 'publicSiteAddress',
  'connection-type': 'connectionType',
  mode: 'mode',
} as const satisfies Record<string, InstallerAttributeName>;

const createCommand: Command = {
  name: 'installer create',
  summary:
    'Create an installer: a signed enrolment token for a device group, with the attributes its devices get, valid for a chosen time.',
  usage: `tether installer create --group NAME --valid-for DURATION [options]

  --group NAME          existing device group the devices join (tether groups list)
  --valid-for DURATION  10m … 1y (e.g. 1h, 7d); installing after that fails
  --max-installs N      how many devices may install with it (default: unlimited)
  --name NAME           the devices' name in the console (default: their hostname)
  --comments TEXT       comments the devices get, shown in the installer list (--comment too)
  --tag TAG             a tag the devices get
  --jump-policy NAME, --session-policy-present NAME, --session-policy-not-present NAME
                        existing policies assigned to each device (they must not conflict)
  --public-site-address URL
                        https address the agents connect to (default: the public URL)
  --connection-type active|passive   (default active)
  --max-offline-minutes N            offline time after which the agent uninstalls itself
  --ephemeral           the same as --max-offline-minutes 5
  --mode service|user   a system service (default) or in one user's session
  --minimize-on-start   start the agent's window minimised (desktop platforms)
  --allow-override LIST attributes the install may override, comma-separated: name, group,
                        comments, tag, jumpPolicy, sessionPolicyPresent,
                        sessionPolicyNotPresent, publicSiteAddress, connectionType,
                        maxOfflineMinutes, mode, minimizeOnStart (or their --jc-* names,
                        e.g. jc-tag)
  --server-url URL      URL put in the printed command (default: the configured public URL)
  --data-dir DIR        the server's data directory (default ./tether-data)

Prints the installer, its token (shown here and when extended only) and where to download
the agent package for it.`,
  options: {
    ...dataDirOptions,
    group: { type: 'string' },
    'valid-for': { type: 'string' },
    'max-installs': { type: 'string' },
    comment: { type: 'string' },
    ...Object.fromEntries(Object.keys(ATTRIBUTE_OPTIONS).map((name) => [name, { type: 'string' }])),
    'max-offline-minutes': { type: 'string' },
    ephemeral: { type: 'boolean' },
    'minimize-on-start': { type: 'boolean' },
    'allow-override': { type: 'string' },
    'server-url': { type: 'string' },
  },
  async run(input) {
    const config = await serverConfigFrom(input);
    const { CreateInstallerRequest, invalidInput } = await import('../schemas.js');
    const parsed = CreateInstallerRequest.safeParse(await requestFrom(input));
    if (!parsed.success)
      throw invalidInput('installer (validity must be between 10m and 1y)', parsed.error);
    const { createInstallerService, loadServerIdentity, readPublicUrlHeadless, systemClock } =
      await import('@tether/server');
    const identity = await loadServerIdentity(join(config.dataDir, 'keys'));
    const { created, serverUrl } = await withStore(config, async ({ store, audit }) => {
      const serverUrl =
        stringOption(input, 'server-url') ??
        (await readPublicUrlHeadless({ config, store })).effective;
      const created = await createInstallerService({
        store,
        clock: systemClock,
        identity,
        audit,
      }).create({
        ...parsed.data,
        createdBy: 'cli',
        serverUrl,
      });
      return { created, serverUrl };
    });
    const { installer } = created;
    input.out(
      `Installer ${installer.id} for group "${installer.group}", valid until ${installer.expiresAt}.`,
    );
    if (installer.overridable?.length)
      input.out(`The install may override: ${installer.overridable.join(', ')}.`);
    input.out(`Token (shown here and when extended only): ${created.token}`);
    input.out(
      `Install the agent with its package: console → Installers → Download (or GET ${serverUrl}/api/v1/installers/${installer.id}/downloads).`,
    );
    input.out(`On a machine with the tether CLI, enrol by hand:\n  ${created.enrollCommand}`);
    return 0;
  },
};

/** The request the options describe; the schema checks it. */
async function requestFrom(input: CommandInput): Promise<Record<string, unknown>> {
  const request: Record<string, unknown> = {
    group: requireOption(input, 'group', 'installer create'),
    validForSec: parseDuration(requireOption(input, 'valid-for', 'installer create')),
  };
  for (const [option, attribute] of Object.entries(ATTRIBUTE_OPTIONS)) {
    const value = stringOption(input, option);
    if (value !== undefined) request[attribute] = value;
  }
  const comment = stringOption(input, 'comment');
  if (comment !== undefined) request.comment = comment;
  const maxInstalls = stringOption(input, 'max-installs');
  if (maxInstalls !== undefined) request.maxInstalls = Number(maxInstalls);
  const maxOffline = stringOption(input, 'max-offline-minutes');
  if (maxOffline !== undefined) request.maxOfflineMinutes = Number(maxOffline);
  const { EPHEMERAL_MAX_OFFLINE_MINUTES } = await import('@tether/protocol');
  if (input.values.ephemeral === true) request.maxOfflineMinutes = EPHEMERAL_MAX_OFFLINE_MINUTES;
  if (input.values['minimize-on-start'] === true) request.minimizeOnStart = true;
  const allowed = stringOption(input, 'allow-override');
  if (allowed !== undefined) request.overridable = await overridableFrom(allowed);
  return request;
}

/** `tag,jc-name,maxOfflineMinutes` → attribute names; an unknown one is a usage error. */
async function overridableFrom(list: string): Promise<InstallerAttributeName[]> {
  const { INSTALL_OVERRIDE_OPTIONS, InstallerAttributeName } = await import('@tether/protocol');
  const byOption = new Map<string, InstallerAttributeName>(
    Object.entries(INSTALL_OVERRIDE_OPTIONS),
  );
  return list
    .split(',')
    .map((each) => each.trim().replace(/^--/, ''))
    .filter((each) => each !== '')
    .map((each) => {
      const name = byOption.get(each) ?? InstallerAttributeName.safeParse(each).data;
      if (name === undefined) {
        throw new AppError(
          'INVALID_INPUT',
          `--allow-override: "${each}" is not an installer attribute. Use ${InstallerAttributeName.options.join(', ')} (or their --jc-* option names).`,
        );
      }
      return name;
    });
}

/** `tether installer create|list|extend|delete`. */
export const installerCommands: Command[] = [createCommand, ...installerManageCommands];
