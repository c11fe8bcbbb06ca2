import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

test('the certificate is a valid self-signed ECDSA server certificate for its names', () => {
  const { cert } = createSelfSignedCertificate({
    commonName: 'Tether server (web-01)',
    names: ['localhost', 'web-01', '127.0.0.1', '::1'],
    validDays: 397,
  });
  const x509 = new X509Certificate(cert);
  assert.equal(x509.publicKey.asymmetricKeyType, 'ec');
  assert.ok(x509.verify(x509.publicKey), 'signed by its own key');
  assert.match(x509.subject, /CN=Tether server \(web-01\)/);
  assert.equal(x509.checkHost('localhost'), 'localhost');
  assert.equal(x509.checkHost('web-01'), 'web-01');
  assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(x509.checkIP('::1'), '::1');
  assert.equal(x509.checkHost('example.com'), undefined);
  const days = (Date.parse(x509.validTo) - Date.now()) / 86_400_000;
  assert.ok(days > 396 && days < 398, `valid for ${days} days`);
});

test('a TLS client that trusts the certificate completes a handshake with it', async () => {
  const { cert, key } = createSelfSignedCertificate({
    commonName: 'Tether server',
    names: ['localhost', '127.0.0.1'],
    validDays: 30,
  });
  const server = createServer({ cert, key }, (socket) => socket.end('hello'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const socket = connect({
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      ca: cert,
      servername: 'localhost',
    });
    const [data] = (await once(socket, 'data')) as [Buffer];
    assert.equal(data.toString(), 'hello');
    assert.equal(socket.authorized, true);
    socket.destroy();
  } finally {
    server.close();
  }
});
