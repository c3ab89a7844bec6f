#!/usr/bin/env bash
# Makes Debian's Chromium available at /usr/bin/chromium for the widget's browser tests
# (playwright-core drives it; Playwright's own browser download does not work here). Idempotent:
# does nothing when it is installed already.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing Debian's chromium for the widget's browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q chromium >&2; then
  $sudo apt-get update -q >&2
  $sudo apt-get install -y -q chromium >&2
fi
test -x /usr/bin/chromium
