/**
 * The stand-in device of scenario (e)'s baseline, run as its own process like the real agent:
 * joins the bare pipe with the agent's relay client and sends every message straight back — a
 * keystroke's trip without server logic, recording, pty or shell.
 *
 * Usage: node --import tsx bench/scenarios/bare-echo-device.ts <pipe URL> <TLS fingerprint>
 * Prints `joined` once connected; exits when the pipe closes.
 */
import { connectRelay } from '../lib/agent-transport.js';

const [url, fingerprint] = process.argv.slice(2);
if (!url || !fingerprint) throw new Error('usage: bare-echo-device.ts <pipe URL> <fingerprint>');
const socket = await connectRelay(new URL(url), { expectedFingerprint: fingerprint });
socket.on('message', (data: Buffer, isBinary) => socket.send(data, { binary: isBinary }));
socket.on('close', () => process.exit(0));
process.stdout.write('joined\n');
