#!/usr/bin/env bash
# Install mapapp with its test extras into .venv, the browser assets into static/ and Debian
# chromium (if needed), then run the whole suite, end-to-end browser tests included.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k dates -x`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh" '[test]'
source scripts/_assets.sh
source scripts/_chromium.sh
exec .venv/bin/python -m pytest "$@"
