#!/usr/bin/env bash
# The queue-board test (test/queue-board-browser.test.ts) drives a headless Chromium through playwright-core:
# install Debian's `chromium` when no browser is there and apt-get can run. Never fails the tests: without
# a browser that test is skipped with the reason printed.
set -uo pipefail
for browser in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  [ -n "$browser" ] && [ -x "$browser" ] && exit 0
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "installing chromium (needed by the queue-board browser test)…" >&2
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
    exit 0
  fi
  echo "chromium could not be installed: the queue-board browser test will be skipped" >&2
  exit 0
fi
echo "no chromium: the queue-board browser test will be skipped (Debian/Ubuntu: sudo apt-get install chromium)" >&2
exit 0
