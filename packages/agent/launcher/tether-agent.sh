#!/bin/sh
# The Tether agent's launcher (issue 14): the one file the service unit, the user unit and the
# administrator run. It starts the current version with the Node runtime that version ships,
# so the device needs no Node of its own. In an unpacked package (no `current` link yet) it
# runs the package's only version.
#
# Upgrades (A-6): the agent installs a new version beside the old one, writes upgrade.json
# ({"from":…,"to":…,"attempts":N}, one line), points `current` at the new version and exits; the
# service starts this launcher again. Each start of an unconfirmed upgrade counts an attempt;
# the new agent confirms by removing upgrade.json once it is connected. After 2 failed starts
# the launcher points `current` back at the old version and leaves rollback.json, which the old
# agent reports to the server.
set -eu
here=$(dirname -- "$(readlink -f -- "$0")")
# Where the agent finds upgrade.json, `versions/` and `current` (only an install can upgrade).
TETHER_AGENT_HOME=$here
export TETHER_AGENT_HOME
upgrade="$here/upgrade.json"
if [ -L "$here/current" ] && [ -f "$upgrade" ]; then
  field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([0-9A-Za-z.+_-]*\\).*/\\1/p" "$upgrade"; }
  from=$(field from)
  to=$(field to)
  attempts=$(field attempts)
  attempts=${attempts:-0}
  if [ "$attempts" -ge 2 ] && [ -n "$from" ] && [ -d "$here/versions/$from" ]; then
    ln -sfn "versions/$from" "$here/current"
    printf '{"from":"%s","to":"%s","attempts":%s,"at":"%s"}\n' "$from" "$to" "$attempts" \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$here/rollback.json"
    rm -f "$upgrade"
    echo "tether-agent: $to failed to start $attempts times; rolled back to $from" >&2
  else
    printf '{"from":"%s","to":"%s","attempts":%s}\n' "$from" "$to" $((attempts + 1)) >"$upgrade.tmp"
    mv -f "$upgrade.tmp" "$upgrade"
  fi
fi
if [ -d "$here/current" ]; then
  version_dir="$here/current"
else
  version_dir=$(find "$here/versions" -mindepth 1 -maxdepth 1 -type d | head -n 1)
fi
# The agent's V8 flags (AGENT_V8_FLAGS in packages/cli/src/commands/v8-flags.ts, which a test
# keeps equal): given here, on the command line, they apply from Node's own start; set later from
# the app, Node's start-up has already made some of its own helpers hot enough to page in the
# optimising compiler (~3.5 MiB).
exec "$version_dir/runtime/node" --semi-space-growth-factor=1 --interrupt-budget=270336 \
  "$version_dir/app/tether-agent.mjs" "$@"
