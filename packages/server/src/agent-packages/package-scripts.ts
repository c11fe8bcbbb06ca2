/**
 * The shell scripts of the agent packages (issue 14): the `.run` header, the one-liner's
 * `install.sh` and the `.deb`'s maintainer scripts. POSIX sh and the tools every Debian-like
 * system has (coreutils, tar, gzip), so a minimal system installs them.
 */

/** Single-quotes a value for sh. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** What each script says about where it comes from (never the token). */
export interface ScriptOrigin {
  version: string;
  arch: string;
  serverUrl: string;
  installerId: string;
}

const OFFSET_WIDTH = 12;

/**
 * The `.run` header: a script that extracts the archive appended to it into a temporary folder,
 * runs `<tmp>/tether-agent install --package-dir <tmp> "$@"` (`support` for the one-time agent
 * of an ad-hoc session, A-14), removes the folder and exits with the installer's status. The payload starts right after it: `tail -c +<header bytes + 1>`.
 *
 * @example
 * const header = runHeader(origin); // then the .tar.gz
 */
export function runHeader(
  origin: ScriptOrigin,
  command: 'install' | 'support' = 'install',
): Buffer {
  const text = (offset: string): string => `#!/bin/sh
# Tether agent ${origin.version} (linux-${origin.arch}) for ${origin.serverUrl}
# installer ${origin.installerId}. A self-extracting package: it needs no Node and no compiler.
#
#   sudo sh tether-agent.run                    install as a service and enrol
#   sudo sh tether-agent.run --silent --jc-tag web   (or JC_TAG=web): see --help
#   sh tether-agent.run --mode user             in your session only
# It unpacks into $TMPDIR (default /tmp); where /tmp is mounted noexec, point TMPDIR elsewhere:
#   sudo TMPDIR=/var/tmp sh tether-agent.run
set -eu
if [ ! -f "$0" ]; then
  echo "tether-agent.run: run the file itself: sudo sh tether-agent.run" >&2
  exit 2
fi
tmp=$(mktemp -d "\${TMPDIR:-/tmp}/tether-agent.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
tail -c +${offset} "$0" | tar -xzf - -C "$tmp"
status=0
"$tmp/tether-agent" ${command} --package-dir "$tmp" "$@" || status=$?
exit "$status"
`;
  const length = Buffer.byteLength(text('0'.repeat(OFFSET_WIDTH)));
  return Buffer.from(text(String(length + 1).padStart(OFFSET_WIDTH, '0')));
}

/**
 * `install.sh`, what `curl -fsSL … | sudo sh` runs: downloads the `.run` from its public link
 * and runs it with the one-liner's arguments (`| sudo sh -s -- --jc-tag web`). With a
 * self-signed server certificate, curl checks the server's TLS key against `tlsPin` instead of
 * a certificate authority (never a plain `-k`).
 */
export function installScript(
  origin: ScriptOrigin & { runUrl: string; tlsPin: string | undefined },
): string {
  const fetch = origin.tlsPin
    ? `if command -v curl >/dev/null 2>&1; then
  curl -fsSL -k --pinnedpubkey ${shellQuote(origin.tlsPin)} -o "$run" "$url"
else
  echo "tether-agent: install curl first: the server's self-signed certificate is checked by its key, which only curl does" >&2
  exit 1
fi`
    : `if command -v curl >/dev/null 2>&1; then
  curl -fsSL -o "$run" "$url"
elif command -v wget >/dev/null 2>&1; then
  wget -qO "$run" "$url"
else
  echo "tether-agent: install curl or wget first" >&2
  exit 1
fi`;
  return `#!/bin/sh
# Installs the Tether agent ${origin.version} (linux-${origin.arch}) from ${origin.serverUrl},
# installer ${origin.installerId}:
#   curl -fsSL <this link> | sudo sh
#   curl -fsSL <this link> | sudo sh -s -- --silent --jc-tag web
set -eu
url=${shellQuote(origin.runUrl)}
run=$(mktemp "\${TMPDIR:-/tmp}/tether-agent.XXXXXX")
trap 'rm -f "$run"' EXIT
${fetch}
sh "$run" "$@"
`;
}

/**
 * Where the `.deb` puts the package; its postinst installs from there into the install dir
 * (`/opt/tether-agent`). Outside the install dir on purpose: uninstalling removes that folder,
 * and prerm runs the uninstall from this copy, which must not delete itself while it runs.
 */
export const DEB_PACKAGE_DIR = 'usr/lib/tether-agent/package';

/**
 * The `.deb`'s maintainer scripts. postinst installs and enrols from the package dpkg unpacked
 * (the install command reads `JC_*` variables: `sudo JC_TAG=web dpkg -i tether-agent.deb`);
 * prerm uninstalls (service, files, account) when the package is removed.
 */
export function debianScripts(): { postinst: string; prerm: string } {
  const launcher = `/${DEB_PACKAGE_DIR}/tether-agent`;
  return {
    postinst: `#!/bin/sh
set -e
if [ "$1" = configure ]; then
  ${launcher} install --package-dir /${DEB_PACKAGE_DIR}
fi
`,
    prerm: `#!/bin/sh
set -e
if [ "$1" = remove ]; then
  ${launcher} uninstall || echo "tether-agent: uninstall failed; see above" >&2
fi
`,
  };
}
