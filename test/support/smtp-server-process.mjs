// A real SMTP server (nodemailer's smtp-server) for tests, run as its own process:
// `node smtp-server-process.mjs` with SMTP_TEST_SETUP = JSON { key, cert, username, password }.
// It listens on an ephemeral loopback port, offers STARTTLS with the given (throwaway)
// certificate, requires AUTH PLAIN or LOGIN after STARTTLS, and prints one JSON line per event:
// `{"event":"listening","port":…}`, `{"event":"auth","ok":…,"username":…}`, `{"event":"mail",…}`.
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { SMTPServer } from 'smtp-server';

const setup = JSON.parse(process.env.SMTP_TEST_SETUP ?? '{}');
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** The header block of a message, unfolded, as lowercase name → value. */
function headersOf(raw) {
  const block = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const headers = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The body as text: quoted-printable (nodemailer's choice for long lines) decoded. */
function bodyOf(raw, headers) {
  const body = raw.slice(raw.search(/\r?\n\r?\n/)).trim();
  if (!/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) return body;
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

const server = new SMTPServer({
  secure: false,
  key: setup.key,
  cert: setup.cert,
  authMethods: ['PLAIN', 'LOGIN'],
  // No AUTH before STARTTLS, and no mail without AUTH.
  allowInsecureAuth: false,
  authOptional: false,
  logger: false,
  onAuth(auth, session, callback) {
    const ok = auth.username === setup.username && auth.password === setup.password;
    print({
      event: 'auth',
      ok,
      username: auth.username,
      method: auth.method,
      secure: session.secure,
    });
    if (!ok) {
      const error = new Error('Authentication credentials invalid');
      error.responseCode = 535;
      callback(error);
      return;
    }
    callback(null, { user: auth.username });
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = headersOf(raw);
      print({
        event: 'mail',
        secure: session.secure,
        user: session.user,
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        subject: headers.subject,
        kind: headers['x-tether-event'],
        body: bodyOf(raw, headers),
      });
      callback(null, 'Message queued as test-1');
    });
  },
});
server.on('error', (error) => print({ event: 'error', message: error.message }));
server.listen(0, '127.0.0.1', () =>
  print({ event: 'listening', port: server.server.address().port }),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
