import { AppError } from '@tether/protocol/app-error';
import { stringOption, type Command } from '../command.js';

export const agentSupportCommand: Command = {
  name: 'agent support',
  summary: 'Run the one-time agent of an ad-hoc session: nothing is installed.',
  usage: `tether-agent support [--package-dir DIR] [--code CODE] [--one-time-only]

What sh tether-support.run (from the support portal) runs. The agent runs from the package's
temporary folder until your technician's session ends, asks you here before every session,
then removes itself: no service, no account, nothing left on this machine.

  --package-dir DIR   the unpacked package (default: the folder of this tether-agent)
  --code CODE         the code from your technician: when this machine already has the Tether
                      agent of the same server installed, and your technician allowed it, that
                      agent takes the session instead (reading its identity may need sudo)
  --one-time-only     always run the one-time agent, even when an agent is installed`,
  options: {
    'package-dir': { type: 'string' },
    code: { type: 'string' },
    'one-time-only': { type: 'boolean' },
  },
  async run(input) {
    const [{ runOneTimeAgent }, { launcherFolder }] = await Promise.all([
      import('@tether/agent/adhoc'),
      import('@tether/agent/install'),
    ]);
    const packageDir = stringOption(input, 'package-dir') ?? launcherFolder(process.argv[1]);
    if (!packageDir) {
      throw new AppError('INVALID_INPUT', 'Give the unpacked package with --package-dir DIR.');
    }
    const code = stringOption(input, 'code')?.replace(/[\s-]/g, '');
    return runOneTimeAgent({
      packageDir,
      ...(code ? { code } : {}),
      isOneTimeOnly: input.values['one-time-only'] === true,
      env: input.env,
      out: input.out,
      input: process.stdin,
    });
  },
};
