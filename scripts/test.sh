#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements.txt
# Real-browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
# CJK and emoji fonts so screenshots show the Chinese text rather than empty boxes.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
     chromium fonts-wqy-microhei fonts-noto-color-emoji >/dev/null) \
    || echo "warning: could not install chromium; browser tests will fail" >&2
fi
export ANONYMIZED_TELEMETRY=False HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
python -m ruff check assistant tests bench app.py
python -m pytest -q "$@"
