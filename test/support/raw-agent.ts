import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import {
  AGENT_CONNECT_PATH,
  PROTOCOL_VERSION,
  ServerMessage,
  agentProofText,
  toBase64Url,
  type MessageOf,
} from '@tether/protocol';
import { runCli } from './cli.js';
import { HttpsClient } from './https-client.js';
import type { TestServer } from './test-server.js';

/**
 * An agent's control channel without the agent: a real enrolled identity and the real
 * handshake, then whatever the test sends (a flood, pings alone). Resolves with the socket and
 * the welcome once the server welcomed it.
 */
export async function connectRawAgent(
  server: TestServer,
): Promise<{ socket: WebSocket; welcome: MessageOf<ServerMessage, 'welcome'> }> {
  const { token } = await server.createInstaller();
  const dir = await mkdtemp(join(tmpdir(), 'tether-flood-'));
  try {
    const enrolled = await runCli([
      ...['agent', 'enroll', '--server', server.url, '--token', token, '--data-dir', dir],
    ]);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    const config = JSON.parse(await readFile(join(dir, 'agent.json'), 'utf8')) as {
      deviceId: string;
    };
    const privateKey = createPrivateKey(await readFile(join(dir, 'identity.pem'), 'utf8'));
    const socket = new HttpsClient(server.url, server.ca).websocket(AGENT_CONNECT_PATH, {
      origin: null,
    });
    const agentNonce = toBase64Url(randomBytes(32));
    const welcome = await new Promise<MessageOf<ServerMessage, 'welcome'>>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('close', (code, reason) => reject(new Error(`closed ${code} ${String(reason)}`)));
      socket.once('open', () =>
        socket.send(
          JSON.stringify({
            type: 'hello',
            protocolVersion: PROTOCOL_VERSION,
            deviceId: config.deviceId,
            agentNonce,
            inventory: {
              hostname: 'flood',
              os: { platform: 'linux', release: '6', name: 'Linux', arch: 'x64' },
              agentVersion: '0.1.0',
            },
          }),
        ),
      );
      socket.on('message', (data: Buffer) => {
        const message = ServerMessage.parse(JSON.parse(data.toString('utf8')));
        if (message.type === 'challenge') {
          const text = agentProofText({
            deviceId: config.deviceId,
            serverNonce: message.serverNonce,
            agentNonce,
          });
          socket.send(
            JSON.stringify({
              type: 'auth',
              signature: toBase64Url(sign(null, Buffer.from(text), privateKey)),
            }),
          );
        }
        if (message.type === 'welcome') resolve(message);
      });
    });
    socket.removeAllListeners('close');
    socket.removeAllListeners('message');
    return { socket, welcome };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
