#!/usr/bin/env bash
# Install the requirements on a fresh machine, then start the app on the embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements.txt
export ANONYMIZED_TELEMETRY=False HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec python app.py "$@"
