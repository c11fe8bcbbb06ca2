#!/bin/sh
# The Tether agent's launcher (issue 14): the one file the service unit, the user unit and the
# administrator run. It starts the current version with the Node runtime that version ships,
# so the device needs no Node of its own. In an unpacked package (no `current` link yet) it
# runs the package's only version.
set -eu
here=$(dirname -- "$(readlink -f -- "$0")")
if [ -d "$here/current" ]; then
  version_dir="$here/current"
else
  version_dir=$(find "$here/versions" -mindepth 1 -maxdepth 1 -type d | head -n 1)
fi
exec "$version_dir/runtime/node" "$version_dir/app/tether-agent.mjs" "$@"
