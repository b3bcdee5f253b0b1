# Sourced by scripts/test.sh: the end-to-end tests (tests/e2e) drive Debian's chromium at
# /usr/bin/chromium through Playwright. Install it from apt when missing (as root, or with sudo).
# Playwright's own browser download (`playwright install`) is never used.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
    echo "/usr/bin/chromium is missing: installing Debian's chromium for the end-to-end tests." >&2
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update && apt-get install -y chromium
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update && sudo apt-get install -y chromium
    else
        echo "Cannot install chromium: not root and no sudo. Fix: as root run" \
             "\`apt-get update && apt-get install -y chromium\`, then rerun scripts/test.sh." >&2
        exit 1
    fi
fi
