#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (Category=Browser: the pixel's in tests/Segments.Api.Tests/Ingestion and the
# console's in tests/Segments.Console.Tests, both driven by Microsoft.Playwright) when it is
# missing. CI runs as root; elsewhere run it with sudo. Nothing else is downloaded: the tests drive /usr/bin/chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  # Not fatal here: the other tests still run, and the browser tests fail saying what is missing.
  echo "install-chromium: /usr/bin/chromium is missing; run this script as root (apt-get install chromium)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
