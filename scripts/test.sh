#!/usr/bin/env bash
# Install mapapp with its test extras into .venv (if needed) and run the whole suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k dates -x`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh" '[test]'
exec .venv/bin/python -m pytest "$@"
