# Sourced by scripts/app.sh and scripts/test.sh: make .venv exist and hold mapapp
# installed (editable) with the given extras. Idempotent: pip runs again only when
# pyproject.toml changed since the last successful install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extras="${1:-}"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
stamp=".venv/.mapapp-install-stamp${extras:+-test}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) extras=${extras} root=$(pwd)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
    printf '%s' "$want" > "$stamp"
fi
