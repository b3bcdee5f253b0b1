#!/usr/bin/env bash
# Install mapapp into .venv and the browser assets into static/ (if needed), then serve the
# Streamlit app on 127.0.0.1:${PORT:-8501}.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh" ''
source scripts/_assets.sh
exec .venv/bin/python -m streamlit run app.py \
    --server.address 127.0.0.1 --server.port "${PORT:-8501}" --server.headless true
