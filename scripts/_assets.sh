# Sourced by scripts/app.sh and scripts/test.sh after _venv.sh (cwd = repo root): fetch the
# pinned browser assets (package-lock.json) into node_modules/ and copy them into static/.
# Idempotent: `npm ci` runs again only when package-lock.json changed since the last successful
# install (or node_modules/ was removed); `mapapp assets` is cheap and always rebuilds static/.
set -euo pipefail
if ! command -v npm >/dev/null 2>&1; then
    echo "npm not found: install Node.js 20+ with npm (e.g. apt-get install -y nodejs npm), then rerun." >&2
    exit 1
fi
npm_stamp="node_modules/.mapapp-npm-stamp"
npm_want="$(sha256sum package-lock.json | cut -d' ' -f1) root=$(pwd)"
if [ ! -f "$npm_stamp" ] || [ "$(cat "$npm_stamp")" != "$npm_want" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    printf '%s' "$npm_want" > "$npm_stamp"
fi
.venv/bin/mapapp assets
