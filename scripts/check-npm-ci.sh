#!/usr/bin/env bash
# Proves the lock file installs as it is: `npm ci --dry-run` fails when package-lock.json does not match
# package.json (a fresh clone, CI and the Docker build all run `npm ci`). Needs the registry only for
# what the lock does not settle; when the registry is unreachable it says so and does not fail.
set -uo pipefail
cd "$(dirname "$0")/.."

output=$(timeout 120 npm ci --dry-run --ignore-scripts --no-audit --no-fund 2>&1)
status=$?
if [ "$status" -eq 0 ]; then
  echo "lock file: npm ci --dry-run accepts package-lock.json"
  exit 0
fi
if [ "$status" -eq 124 ] || grep -qiE 'ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|network' <<<"$output"; then
  echo "lock file: NOT CHECKED — the npm registry is unreachable (npm ci --dry-run could not run)"
  exit 0
fi
echo "lock file: npm ci --dry-run FAILS — regenerate package-lock.json so that npm ci works on a fresh clone:"
echo "$output"
exit 1
