import { AppError } from '@tether/protocol/app-error';
import type { ListenerState, PortSettings } from '@tether/protocol';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

const USAGE = `tether admin ports show [--data-dir DIR | --config FILE]
       tether admin ports set [--https N] [--http N|off] [--admin N] [--data-dir DIR | --config FILE]

show: the ports saved for the next start, and each listener's state at the server's last start
(bound, or failed with the reason).
set: saves ports from 1 to 65535, one per listener; \`--http off\` turns the HTTP redirect off.
Ports not given keep their saved value (or the config file's). They apply when the server
restarts (\`systemctl restart tether\`); a port flag or TETHER_*PORT variable given at start
still wins. Audited as settings.changed (target server.ports). Same as the admin console's Ports page.`;

function portValue(input: CommandInput, name: string): number | null | undefined {
  const value = stringOption(input, name);
  if (value === undefined) return undefined;
  if (name === 'http' && value === 'off') return null;
  if (!/^\d+$/.test(value))
    throw new AppError(
      'INVALID_INPUT',
      `--${name} takes a port number${name === 'http' ? ' or off' : ''}, not "${value}".`,
    );
  return Number(value);
}

function describe(state: ListenerState): string {
  const asked = state.requested === null ? 'off' : `${state.host}:${state.requested}`;
  const outcome =
    state.status === 'bound'
      ? `bound on ${state.port ?? '?'}`
      : state.status === 'failed'
        ? `FAILED: ${state.reason ?? state.code ?? 'unknown'}`
        : 'off';
  return `  ${state.name.padEnd(6)} ${asked.padEnd(22)} ${outcome} (from ${state.source})`;
}

export const adminPortsCommand: Command = {
  name: 'admin ports',
  summary: 'Show or change the HTTPS, HTTP-redirect and admin ports (applied at the next start).',
  usage: USAGE,
  options: {
    ...dataDirOptions,
    https: { type: 'string' },
    http: { type: 'string' },
    admin: { type: 'string' },
  },
  allowPositionals: true,
  async run(input) {
    const [action = 'show'] = input.positionals;
    if (action !== 'show' && action !== 'set')
      throw new AppError('INVALID_INPUT', `Unknown action "${action}"; use show or set.`);
    const { PortSettings } = await import('@tether/protocol');
    const { readLastStart, readSavedPorts, writeSavedPorts } = await import('@tether/server');
    const config = await serverConfigFrom(input);
    const lines = await withStore(config, async ({ store, audit }) => {
      const saved = await readSavedPorts(store);
      if (action === 'show') {
        const last = await readLastStart(store);
        return [
          saved
            ? `Saved for the next start: https ${saved.https}, http ${saved.http ?? 'off'}, admin ${saved.admin}`
            : 'No ports saved: the config file and flags decide.',
          ...(last
            ? [`At the server's last start (${last.at}):`, ...last.listeners.map(describe)]
            : ['The server has not started with this data directory yet.']),
        ];
      }
      const base: PortSettings = saved ?? {
        https: config.listen.port,
        http: config.http?.port ?? null,
        admin: config.admin.port,
      };
      const given = {
        https: portValue(input, 'https'),
        http: portValue(input, 'http'),
        admin: portValue(input, 'admin'),
      };
      if (Object.values(given).every((value) => value === undefined))
        throw new AppError('INVALID_INPUT', 'Give at least one of --https, --http, --admin.');
      const parsed = PortSettings.safeParse({
        https: given.https ?? base.https,
        http: given.http === undefined ? base.http : given.http,
        admin: given.admin ?? base.admin,
      });
      if (!parsed.success)
        throw new AppError(
          'INVALID_INPUT',
          `Ports not saved: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
        );
      await writeSavedPorts(store, parsed.data);
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'server.ports',
        details: { before: saved, after: parsed.data, appliesAt: 'restart', via: 'headless' },
      });
      const ports = parsed.data;
      return [
        `Saved: https ${ports.https}, http ${ports.http ?? 'off'}, admin ${ports.admin}.`,
        'They apply when the server restarts (systemctl restart tether).',
      ];
    });
    for (const line of lines) input.out(line);
    return 0;
  },
};
