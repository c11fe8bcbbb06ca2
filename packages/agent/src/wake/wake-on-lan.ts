import { createSocket } from 'node:dgram';
import {
  AppError,
  type AgentMessage,
  type MessageOf,
  type ServerMessage,
} from '@tether/protocol/agent';

/**
 * A Wake-on-LAN magic packet: 6 bytes 0xFF, the target's MAC 16 times, then the SecureOn
 * password (4 or 6 bytes) when there is one — 102, 106 or 108 bytes.
 *
 * @example
 * magicPacket('52:54:00:12:34:56').length; // 102
 */
export function magicPacket(mac: string, secureOn?: string): Buffer {
  const hardware = Buffer.from(mac.replaceAll(':', ''), 'hex');
  if (hardware.length !== 6) throw new AppError('INVALID_INPUT', `${mac} is not a MAC address.`);
  const password = secureOn === undefined ? Buffer.alloc(0) : Buffer.from(secureOn, 'hex');
  return Buffer.concat([
    Buffer.alloc(6, 0xff),
    ...Array.from({ length: 16 }, () => hardware),
    password,
  ]);
}

/**
 * Sends the magic packet a `wake.on_lan` asks for to each of its targets (subnet broadcast
 * addresses) by UDP with broadcast allowed, and says how it went as a `wake.on_lan_sent`. Never
 * logs the SecureOn password.
 *
 * @example
 * send(await sendWakeOnLan(request));
 */
export async function sendWakeOnLan(
  request: MessageOf<ServerMessage, 'wake.on_lan'>,
): Promise<MessageOf<AgentMessage, 'wake.on_lan_sent'>> {
  const packet = magicPacket(request.mac, request.secureOn);
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.setBroadcast(true);
    for (const target of request.targets) {
      await new Promise<void>((resolve, reject) => {
        socket.send(packet, target.port, target.address, (error) => {
          if (error) reject(error);
          else resolve();
        });
      });
    }
    return { type: 'wake.on_lan_sent', requestId: request.requestId };
  } catch (error) {
    return {
      type: 'wake.on_lan_sent',
      requestId: request.requestId,
      error: {
        code: 'UNAVAILABLE',
        message:
          `Cannot send Wake-on-LAN packets: ${error instanceof Error ? error.message : String(error)}`.slice(
            0,
            500,
          ),
      },
    };
  } finally {
    socket.close();
  }
}
