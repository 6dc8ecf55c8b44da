#!/usr/bin/env bash
# Install the browser the review page's test opens (tests/review_page.rs): Debian's `chromium`
# and `chromium-driver` (chromedriver, the WebDriver server the test talks to over HTTP on
# 127.0.0.1). `bash tools/install-chromium.sh`; run again, it does nothing. About 30 s the
# first time (the packages come from Debian's mirror, the one place besides the language
# registries that machines of this project reach). plume itself never needs a browser.
#
# Where apt-get cannot run (not root, not Debian), the script says what to install.
set -euo pipefail

if command -v chromedriver >/dev/null && { [ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null; }; then
  echo "chromium and chromedriver already installed: $(chromedriver --version | head -1)"
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing chromium and chromium-driver" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq chromium chromium-driver >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }
  chromedriver --version | head -1
else
  echo "error: the review page's test needs Chromium and chromedriver: install them (Debian: apt-get install chromium chromium-driver)" >&2
  exit 1
fi
