import { AppError } from '@tether/protocol/app-error';
import { stringOption, type Command } from '../command.js';
import { REMOTE_USAGE, remoteOptions, signedInClient } from '../remote-api.js';

/** `tether devices wake ID`: through the running server, which holds the agents. */
export const deviceWakeCommand: Command = {
  name: 'devices wake',
  summary: 'Wake an offline device: a passive agent by a signed wake-up, otherwise Wake-on-LAN.',
  usage: `tether devices wake ID --server URL --username NAME [--password-stdin] [--secure-on PASSWORD]

A passive agent is sent a wake-up signed with the server key at the address it last had, on
its passive port (default 5832), and connects. Otherwise an online agent on the device's
subnet, or behind its default gateway, sends Wake-on-LAN magic packets for it (UDP port 9).
Each device can be woken once every 30 seconds.

  --secure-on PASSWORD  the network card's SecureOn password: 4 or 6 bytes in hex
                        (00:11:22:33:44:55); sent to the relaying agent, never stored
${REMOTE_USAGE}`,
  options: { ...remoteOptions, 'secure-on': { type: 'string' } },
  allowPositionals: true,
  async run(input) {
    const [id] = input.positionals;
    if (input.positionals.length !== 1 || id === undefined)
      throw new AppError(
        'INVALID_INPUT',
        'Expected one device ID. Run `tether devices wake --help` for usage.',
      );
    const secureOn = stringOption(input, 'secure-on');
    const api = await signedInClient(input, 'devices wake');
    const { wakeEndpoints } = await import('@tether/protocol');
    const result = await api.call(wakeEndpoints.wake, {
      params: { id },
      body: secureOn === undefined ? {} : { secureOn },
    });
    input.out(
      result.method === 'passive'
        ? `woke the passive agent at ${result.address ?? '?'}: it is connecting`
        : `sent Wake-on-LAN packets for ${(result.macs ?? []).join(', ')} through "${result.via?.name ?? '?'}"; the device connects once it has started`,
    );
    return 0;
  },
};
