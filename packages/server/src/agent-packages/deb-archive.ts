import { gzipSync } from 'node:zlib';
import { debianScripts, type ScriptOrigin } from './package-scripts.js';
import { END_OF_ARCHIVE, ustarDirectory, ustarFile } from './ustar.js';

/**
 * The `.deb` (issue 14) written without dpkg: an `ar` archive of `debian-binary`,
 * `control.tar.gz` and `data.tar.gz` (deb(5)). The data member is streamed by the caller; this
 * file makes the small parts and the member headers.
 */

/** The ar archive's magic. */
export const AR_MAGIC = Buffer.from('!<arch>\n');

/** The 60-byte header of an ar member. */
export function arMemberHeader(name: string, size: number): Buffer {
  const field = (value: string, width: number): string => value.padEnd(width, ' ');
  const text =
    field(name, 16) +
    field('0', 12) +
    field('0', 6) +
    field('0', 6) +
    field('100644', 8) +
    field(String(size), 10) +
    '`\n';
  return Buffer.from(text, 'latin1');
}

/** ar members start on an even offset: odd-sized ones get a newline after them. */
export function arPadding(size: number): Buffer {
  return size % 2 === 1 ? Buffer.from('\n') : Buffer.alloc(0);
}

/** A whole ar member held in memory. */
export function arMember(name: string, content: Buffer): Buffer {
  return Buffer.concat([arMemberHeader(name, content.length), content, arPadding(content.length)]);
}

/** Debian's architecture name for Node's `process.arch`. */
export function debianArch(arch: string): string {
  const names: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'armhf',
    ia32: 'i386',
    ppc64: 'ppc64el',
    s390x: 's390x',
    riscv64: 'riscv64',
  };
  return names[arch] ?? arch;
}

/** Debian versions may not hold every character semver allows (`_`, `+` are fine; `-` splits). */
function debianVersion(version: string): string {
  return version.replace(/[^A-Za-z0-9.+~]/g, '~');
}

/** `control.tar.gz`: the control file and the maintainer scripts. */
export function debianControl(origin: ScriptOrigin): Buffer {
  const control = `Package: tether-agent
Version: ${debianVersion(origin.version)}
Architecture: ${debianArch(origin.arch)}
Maintainer: Tether <noreply@tether.invalid>
Section: admin
Priority: optional
Description: Tether remote support agent
 The Tether agent for ${origin.serverUrl} (installer ${origin.installerId}),
 with its own Node runtime. Installing it installs and enrols the agent as a
 service; set JC_* variables (sudo JC_TAG=web dpkg -i …) to override attributes.
`;
  const scripts = debianScripts();
  return gzipSync(
    Buffer.concat([
      ustarDirectory('.'),
      ustarFile('./control', Buffer.from(control)),
      ustarFile('./postinst', Buffer.from(scripts.postinst), 0o755),
      ustarFile('./prerm', Buffer.from(scripts.prerm), 0o755),
      END_OF_ARCHIVE,
    ]),
  );
}

/** The first gzip member of `data.tar.gz`: the folders above the package (`opt/…`). */
export function debianDataHead(packageDir: string): Buffer {
  const parts = packageDir.split('/');
  const folders = parts.map((_part, index) => parts.slice(0, index + 1).join('/'));
  return gzipSync(Buffer.concat(folders.map((folder) => ustarDirectory(folder))));
}
