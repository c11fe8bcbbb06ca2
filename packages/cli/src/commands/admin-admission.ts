import { AppError } from '@tether/protocol/app-error';
import { requireOption, type Command } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

function describe(settings: { agentsPerSec: number }): string {
  return `agent admission rate: ${settings.agentsPerSec} connections per second`;
}

function rateOf(text: string): number {
  const rate = Number(text);
  if (!Number.isInteger(rate) || rate < 1 || rate > 100_000)
    throw new AppError(
      'INVALID_INPUT',
      `--rate takes a whole number of agents per second from 1 to 100000, not "${text}".`,
    );
  return rate;
}

const showCommand: Command = {
  name: 'admin admission show',
  summary: 'Show how many agent connections the server accepts per second (A-13).',
  usage: `tether admin admission show [--data-dir DIR]`,
  options: { ...dataDirOptions },
  async run(input) {
    const { readAdmissionSettings } = await import('@tether/server');
    const config = await serverConfigFrom(input);
    const settings = await withStore(config, ({ store }) => readAdmissionSettings(store));
    input.out(describe(settings));
    return 0;
  },
};

const setCommand: Command = {
  name: 'admin admission set',
  summary: 'Change how many agent connections the server accepts per second (A-13).',
  usage: `tether admin admission set --rate N [--data-dir DIR]

--rate: agent control connections accepted per second, fleet-wide (default 50; 300 and more
  for a large server with the CPU for it). Agents over the rate are told when to come back
  (HTTP 503 with Retry-After) and reconnect then; none is lost. Technicians' requests and
  session relays are never counted. A running server applies the change within a few seconds.`,
  options: { ...dataDirOptions, rate: { type: 'string' } },
  async run(input) {
    const { readAdmissionSettings, writeAdmissionSettings } = await import('@tether/server');
    const agentsPerSec = rateOf(requireOption(input, 'rate', 'admin admission set'));
    const config = await serverConfigFrom(input);
    const saved = await withStore(config, async ({ store, audit }) => {
      const previous = await readAdmissionSettings(store);
      const written = await writeAdmissionSettings(store, { agentsPerSec });
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'admission',
        details: { ...written, previous, via: 'headless' },
      });
      return written;
    });
    input.out(describe(saved));
    return 0;
  },
};

export const admissionCommands: Command[] = [showCommand, setCommand];
