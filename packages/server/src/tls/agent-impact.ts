import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import type { AgentImpact, TlsProtocolSettings } from '@tether/protocol';
import type { CertificatePair } from './certificate-check.js';

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Runs one TLS handshake on loopback between the proposed settings and a client configured the
 * way agents connect (Node's defaults, no certificate-authority check): the answer to "would
 * agents still complete TLS with this?" that no reading of cipher lists can give as surely.
 * Resolves with the error's message, or undefined when the handshake succeeded.
 */
async function agentHandshakeFailure(
  pair: CertificatePair,
  protocol: TlsProtocolSettings,
): Promise<string | undefined> {
  const server = createServer({ cert: pair.chain, key: pair.key, ...protocol }, (socket) =>
    socket.end(),
  );
  server.on('tlsClientError', () => undefined); // the client's side reports it
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<string | undefined>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
      socket.setTimeout(PROBE_TIMEOUT_MS, () => socket.destroy(new Error('no answer in time')));
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', (error: Error) =>
        resolve(error.message.split('\n')[0] ?? 'handshake failed'),
      );
    });
  } finally {
    server.close();
  }
}

/**
 * Whether enrolled agents keep connecting after a TLS change, and why (S-5). Agents pin the
 * server's signing key, never its certificate: on every connection the server signs the
 * fingerprint of the certificate that connection was served with, so a new certificate is
 * proved like the old one. What can stop them is a handshake they cannot complete (a cipher
 * list or key they do not share).
 *
 * @example
 * const agents = await assessAgentImpact(pair, protocol, { connectedAgents: presence.size, isCertificateChanged: true });
 */
export async function assessAgentImpact(
  pair: CertificatePair,
  protocol: TlsProtocolSettings,
  options: { connected: number; withoutNotice: number; isCertificateChanged: boolean },
): Promise<AgentImpact> {
  const failure = await agentHandshakeFailure(pair, protocol);
  const connectedAgents = options.connected;
  if (failure !== undefined) {
    return {
      agentsKeepConnecting: false,
      connectedAgents,
      reasons: [
        `Agents could not complete a TLS handshake with these settings (${failure}): every agent would stay offline from its next connection until the settings change back. Connected agents keep their connection until it drops.`,
      ],
    };
  }
  const reasons = options.isCertificateChanged
    ? [
        "Agents pin the server's signing key, not its certificate: on each connection the server signs the fingerprint of the certificate that connection sees, so enrolled agents accept the new certificate without re-enrolment.",
        'Connected agents keep their connection and their open sessions; new connections get the new certificate, and the server signs it for connected agents so their next sessions accept it.',
        ...(options.withoutNotice > 0
          ? [
              `${options.withoutNotice} connected agent${options.withoutNotice === 1 ? ' is' : 's are'} too old to take the new certificate on an open connection: a new session to ${options.withoutNotice === 1 ? 'it' : 'one of them'} fails until the agent reconnects (restart it, or update it).`,
            ]
          : []),
      ]
    : [
        'A handshake configured like an agent succeeds with these protocol settings; the certificate does not change.',
      ];
  return { agentsKeepConnecting: true, connectedAgents, reasons };
}
