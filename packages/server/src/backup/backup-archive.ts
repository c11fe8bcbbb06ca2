import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { AppError } from '@tether/protocol';

/**
 * The backup file (S-8): a line naming the format, a line of JSON with the key derivation's
 * parameters, then AES-256-GCM ciphertext of a gzip stream, then GCM's 16-byte tag. Inside,
 * entries one after the other, each a 4-byte length, a JSON header `{ name, size, sha256 }` and
 * its bytes. Nothing in the file is trusted before the tag has been checked at its very end, so
 * reading extracts to a folder first and reports the entries only once everything verified.
 */
const MAGIC = 'TETHER-BACKUP 1\n';
const TAG_BYTES = 16;
/** scrypt cost: ~100 ms and 32 MiB per derivation, once per backup or restore. */
const KDF = { N: 2 ** 15, r: 8, p: 1 };

interface KeyParams {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
}

/** One file of an archive. */
export interface ArchiveEntry {
  /** Relative, `/`-separated: `database/users.jsonl`, `keys/server-signing.pem`. */
  name: string;
  size: number;
  sha256: string;
}

function deriveKey(passphrase: string, params: KeyParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase,
      Buffer.from(params.salt, 'base64'),
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Writes an encrypted archive of `files` (entry name → file on disk), in that order, then a
 * last entry `lastName` whose content `last` makes from the entries before it (a manifest).
 *
 * @example
 * await writeArchive(file, passphrase, [['keys/server-signing.pem', keyFile]], {
 *   name: 'manifest.json',
 *   content: (entries) => JSON.stringify({ entries }),
 * });
 */
export async function writeArchive(
  output: string,
  passphrase: string,
  files: readonly (readonly [name: string, path: string])[],
  last: { name: string; content: (entries: readonly ArchiveEntry[]) => string },
): Promise<ArchiveEntry[]> {
  const params: KeyParams = {
    kdf: 'scrypt',
    ...KDF,
    salt: randomBytes(16).toString('base64'),
    iv: randomBytes(12).toString('base64'),
  };
  const key = await deriveKey(passphrase, params);
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(params.iv, 'base64'));
  const entries: ArchiveEntry[] = [];
  const headerOf = (entry: ArchiveEntry) => {
    const header = Buffer.from(JSON.stringify(entry));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    return Buffer.concat([length, header]);
  };
  async function* frames(): AsyncGenerator<Buffer> {
    for (const [name, path] of files) {
      const entry = { name, size: (await stat(path)).size, sha256: await sha256Of(path) };
      entries.push(entry);
      yield headerOf(entry);
      for await (const chunk of createReadStream(path)) yield chunk as Buffer;
    }
    const content = Buffer.from(last.content(entries));
    const sha256 = createHash('sha256').update(content).digest('hex');
    yield headerOf({ name: last.name, size: content.length, sha256 });
    yield content;
  }
  await mkdir(dirname(output), { recursive: true });
  const out = createWriteStream(output, { mode: 0o600 });
  out.write(`${MAGIC}${JSON.stringify(params)}\n`);
  await pipeline(frames, createGzip(), cipher, out, { end: false });
  await new Promise<void>((resolve, reject) =>
    out.end(cipher.getAuthTag(), () => resolve()).once('error', reject),
  );
  return entries;
}

/** Splits the framed entry stream into files under `dir`, checking each one's size and hash. */
class EntryWriter extends Writable {
  readonly entries: ArchiveEntry[] = [];
  #buffer = Buffer.alloc(0);
  #current:
    | {
        entry: ArchiveEntry;
        left: number;
        hash: ReturnType<typeof createHash>;
        fd: import('node:fs/promises').FileHandle;
      }
    | undefined;

  constructor(private readonly dir: string) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    this.#drain().then(() => done(), done);
  }

  override _final(done: (error?: Error) => void): void {
    if (this.#current || this.#buffer.length > 0) done(corrupt('it ends in the middle of a file'));
    else done();
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#current) {
        const take = Math.min(this.#current.left, this.#buffer.length);
        if (take === 0 && this.#current.left > 0) return;
        const part = this.#buffer.subarray(0, take);
        this.#buffer = this.#buffer.subarray(take);
        this.#current.hash.update(part);
        await this.#current.fd.write(part);
        this.#current.left -= take;
        if (this.#current.left > 0) return;
        await this.#current.fd.close();
        if (this.#current.hash.digest('hex') !== this.#current.entry.sha256)
          throw corrupt(`${this.#current.entry.name} does not match its checksum`);
        this.entries.push(this.#current.entry);
        this.#current = undefined;
        continue;
      }
      if (this.#buffer.length < 4) return;
      const length = this.#buffer.readUInt32BE(0);
      if (length > 64 * 1024) throw corrupt('an entry header is too long');
      if (this.#buffer.length < 4 + length) return;
      const entry = parseEntry(this.#buffer.subarray(4, 4 + length));
      this.#buffer = this.#buffer.subarray(4 + length);
      const path = join(this.dir, entry.name);
      await mkdir(dirname(path), { recursive: true });
      const fd = await open(path, 'wx', 0o600);
      this.#current = { entry, left: entry.size, hash: createHash('sha256'), fd };
    }
  }
}

function corrupt(why: string): AppError {
  return new AppError('INVALID_INPUT', `This backup is damaged: ${why}. Nothing was changed.`);
}

function parseEntry(bytes: Buffer): ArchiveEntry {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw corrupt('an entry header is not readable');
  }
  const entry = value as Partial<ArchiveEntry>;
  const name = typeof entry.name === 'string' ? normalize(entry.name) : '';
  if (
    !name ||
    name.startsWith('..') ||
    name.startsWith(sep) ||
    name.includes(`${sep}..${sep}`) ||
    typeof entry.size !== 'number' ||
    !Number.isSafeInteger(entry.size) ||
    entry.size < 0 ||
    typeof entry.sha256 !== 'string'
  )
    throw corrupt('an entry header is invalid');
  return { name: entry.name as string, size: entry.size, sha256: entry.sha256 };
}

/**
 * Decrypts and extracts an archive into `dir` (which must be empty or absent), verifying every
 * entry's checksum and, at the end, the archive's authentication tag. Throws `INVALID_INPUT`
 * for a wrong passphrase or a damaged file; the caller then discards `dir`.
 */
export async function extractArchive(
  file: string,
  passphrase: string,
  dir: string,
): Promise<ArchiveEntry[]> {
  const size = (await stat(file)).size;
  const handle = await open(file, 'r');
  let headerText: string;
  try {
    const head = Buffer.alloc(Math.min(size, 4096));
    await handle.read(head, 0, head.length, 0);
    headerText = head.toString('latin1');
  } finally {
    await handle.close();
  }
  if (!headerText.startsWith(MAGIC))
    throw new AppError('INVALID_INPUT', `${file} is not a Tether backup.`);
  const paramsEnd = headerText.indexOf('\n', MAGIC.length);
  if (paramsEnd < 0) throw corrupt('its header is cut short');
  let params: KeyParams;
  try {
    params = JSON.parse(headerText.slice(MAGIC.length, paramsEnd)) as KeyParams;
  } catch {
    throw corrupt('its header is not readable');
  }
  if ((params.kdf as string) !== 'scrypt' || params.N > 2 ** 20 || params.r > 32 || params.p > 16)
    throw corrupt('its key parameters are not supported');
  const start = paramsEnd + 1;
  const end = size - TAG_BYTES;
  if (end < start) throw corrupt('it is too short');
  const tag = Buffer.alloc(TAG_BYTES);
  const tagHandle = await open(file, 'r');
  try {
    await tagHandle.read(tag, 0, TAG_BYTES, end);
  } finally {
    await tagHandle.close();
  }
  const key = await deriveKey(passphrase, params);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(params.iv, 'base64'));
  decipher.setAuthTag(tag);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const writer = new EntryWriter(dir);
  // GCM authenticates only at the end: a wrong passphrase first shows as garbage (gunzip fails).
  const authenticated = new Transform({
    transform: (chunk: Buffer, _encoding, done) => done(null, decipher.update(chunk)),
    flush: (done) => {
      try {
        done(null, decipher.final());
      } catch {
        done(wrongPassphrase());
      }
    },
  });
  const ciphertext: Readable =
    end > start
      ? createReadStream(file, { start, end: end - 1 })
      : createReadStream(file, { start, end: start - 1 });
  try {
    await pipeline(ciphertext, authenticated, createGunzip(), writer);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw wrongPassphrase();
  }
  return writer.entries;
}

function wrongPassphrase(): AppError {
  return new AppError(
    'INVALID_INPUT',
    'This backup cannot be opened: the passphrase is wrong, or the file is damaged. Nothing was changed.',
  );
}
