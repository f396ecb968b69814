#!/usr/bin/env bash
# Install nnrecipe with its test extras into .venv (torch pinned to the CPU wheel), then run
# mypy and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -c constraints.txt -e ".[test]"
.venv/bin/python -m mypy
.venv/bin/python -m pytest "$@"
