import assert from 'node:assert/strict';
import { test } from 'node:test';
import { padding, TAR_BLOCK, tarEnd, tarEntryBytes, tarHeader } from './tar-header.js';

const base = { kind: 'file' as const, size: 5, mode: 0o644, mtimeMs: 1_700_000_000_000 };

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let index = 0; index < TAR_BLOCK; index += 1)
    sum += index >= 148 && index < 156 ? 0x20 : (header[index] ?? 0);
  return parseInt(header.toString('latin1', 148, 155), 8) === sum;
}

test('a short name fits one ustar header with a valid checksum', () => {
  const header = tarHeader({ ...base, name: 'folder/file.txt' });
  assert.equal(header.length, TAR_BLOCK);
  assert.equal(header.toString('latin1', 0, 15), 'folder/file.txt');
  assert.equal(header.toString('latin1', 257, 263), 'ustar\0');
  assert.ok(checksumOk(header));
});

test('PAX records state their own length exactly, across digit boundaries', () => {
  for (let length = 80; length < 1100; length += 1) {
    const name = `d/${'x'.repeat(length)}`;
    const header = tarHeader({ ...base, name });
    if (length + 2 <= 100) {
      assert.equal(header.length, TAR_BLOCK);
      continue;
    }
    const bodyLength = parseInt(header.toString('latin1', 124, 135), 8);
    const body = header.toString('utf8', TAR_BLOCK, TAR_BLOCK + bodyLength);
    const declared = Number(body.slice(0, body.indexOf(' ')));
    assert.equal(declared, Buffer.byteLength(body), `record for a ${length}-byte name`);
    assert.equal(body, `${declared} path=${name}\n`);
    assert.ok(checksumOk(header.subarray(header.length - TAR_BLOCK)));
  }
});

test('sizes over 8 GiB go in a PAX record; entries and the end are whole blocks', () => {
  const huge = tarHeader({ ...base, name: 'big.iso', size: 9 * 1024 ** 3 });
  assert.match(huge.toString('utf8', TAR_BLOCK, 2 * TAR_BLOCK), /size=9663676416\n/);
  assert.equal(tarEntryBytes({ ...base, name: 'a' }), 2 * TAR_BLOCK);
  assert.equal(padding(512), 0);
  assert.equal((1536 + tarEnd(1536).length) % (20 * TAR_BLOCK), 0);
});
