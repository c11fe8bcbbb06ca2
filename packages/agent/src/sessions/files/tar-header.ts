/** Size of a tar block: headers and padded content are counted in these. */
export const TAR_BLOCK = 512;
/** Archives end padded to a whole record of 20 blocks, as GNU tar and Python write them. */
const TAR_RECORD = 20 * TAR_BLOCK;
/** Largest size an ustar header's 11 octal digits hold (8 GiB - 1); bigger goes in a PAX record. */
const MAX_USTAR_SIZE = 0o77777777777;

/** One archive member, as the folder walk found it. */
export interface TarEntry {
  /** Path inside the archive, `/`-separated, without a leading `/`. */
  name: string;
  kind: 'file' | 'directory' | 'symlink';
  /** Content bytes (files only). */
  size: number;
  mode: number;
  mtimeMs: number;
  /** Target of a symlink, as stored in the link. */
  linkname?: string;
}

const encoder = new TextEncoder();

/**
 * The header blocks of an entry: a PAX extended header first when the name, link or size does
 * not fit the ustar fields, then the ustar header.
 *
 * @example
 * socket.send(tarHeader({ name: 'logs/app.log', kind: 'file', size: 12, mode: 0o644, mtimeMs: Date.now() }));
 */
export function tarHeader(entry: TarEntry): Buffer {
  const name = entry.kind === 'directory' ? `${entry.name}/` : entry.name;
  const records: [string, string][] = [];
  if (encoder.encode(name).length > 100) records.push(['path', name]);
  if (entry.linkname !== undefined && encoder.encode(entry.linkname).length > 100)
    records.push(['linkpath', entry.linkname]);
  if (entry.size > MAX_USTAR_SIZE) records.push(['size', String(entry.size)]);
  const ustar = ustarHeader({ ...entry, name });
  if (records.length === 0) return ustar;
  const body = Buffer.from(records.map(([key, value]) => paxRecord(key, value)).join(''), 'utf8');
  const pax = ustarHeader({
    name: 'PaxHeader',
    kind: 'pax',
    size: body.length,
    mode: 0o644,
    mtimeMs: entry.mtimeMs,
  });
  return Buffer.concat([pax, body, Buffer.alloc(padding(body.length)), ustar]);
}

/** Zero bytes that pad `size` content bytes to a whole block. */
export function padding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}

/** The end of an archive of `length` bytes so far: two zero blocks, then up to a whole record. */
export function tarEnd(length: number): Buffer {
  const end = length + 2 * TAR_BLOCK;
  return Buffer.alloc(2 * TAR_BLOCK + ((TAR_RECORD - (end % TAR_RECORD)) % TAR_RECORD));
}

/** Bytes an entry takes in the archive: headers, content, padding. */
export function tarEntryBytes(entry: TarEntry): number {
  return tarHeader(entry).length + entry.size + padding(entry.size);
}

const TYPE_FLAGS = { file: '0', symlink: '2', directory: '5', pax: 'x' } as const;

function ustarHeader(entry: {
  name: string;
  kind: keyof typeof TYPE_FLAGS;
  size: number;
  mode: number;
  mtimeMs: number;
  linkname?: string;
}): Buffer {
  const header = Buffer.alloc(TAR_BLOCK);
  const { name, prefix } = splitName(entry.name);
  writeString(header, name, 0, 100);
  writeOctal(header, entry.mode & 0o7777, 100, 8);
  writeOctal(header, 0, 108, 8); // uid
  writeOctal(header, 0, 116, 8); // gid
  writeOctal(header, entry.size > MAX_USTAR_SIZE ? 0 : entry.size, 124, 12);
  writeOctal(header, Math.max(0, Math.floor(entry.mtimeMs / 1000)), 136, 12);
  header.fill(0x20, 148, 156); // checksum counted as spaces
  header.write(TYPE_FLAGS[entry.kind], 156, 'latin1');
  writeString(header, entry.linkname ?? '', 157, 100);
  header.write('ustar\u000000', 257, 'latin1');
  writeString(header, prefix, 345, 155);
  let sum = 0;
  for (const byte of header) sum += byte;
  writeOctal(header, sum, 148, 7);
  return header;
}

/** ustar splits a long name at a `/` into prefix (155) and name (100); PAX carries it whole. */
function splitName(full: string): { name: string; prefix: string } {
  const bytes = encoder.encode(full);
  if (bytes.length <= 100) return { name: full, prefix: '' };
  const cut = full.lastIndexOf('/', full.length - 2);
  const prefix = cut > 0 ? full.slice(0, cut) : '';
  const name = cut > 0 ? full.slice(cut + 1) : full;
  if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100)
    return { name, prefix };
  return { name: name.slice(-100), prefix: '' }; // the PAX `path` record is what readers use
}

function paxRecord(key: string, value: string): string {
  // "<length> key=value\n", where length counts itself.
  const rest = ` ${key}=${value}\n`;
  const restBytes = encoder.encode(rest).length;
  let digits = String(restBytes).length;
  while (String(restBytes + digits).length !== digits) digits += 1;
  return `${restBytes + digits}${rest}`;
}

function writeString(header: Buffer, value: string, offset: number, length: number): void {
  const bytes = encoder.encode(value);
  header.set(bytes.subarray(0, length), offset);
}

function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1');
}
