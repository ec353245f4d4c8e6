#!/usr/bin/env bash
# Remake requirements.lock (what the portal runs with: deploy/) and requirements-dev.lock (that plus
# the dev tools: make, CI) from pyproject.toml, each in a fresh virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-python3.11}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
header() {
  echo "# Exact versions of every package $1."
  echo "# Made by \`make lock\` (scripts/lock.sh) from"
  echo "# pyproject.toml in a fresh virtual environment; remake it whenever pyproject.toml changes."
}
"$PYTHON" -m venv "$work/run"
"$work/run/bin/pip" install --quiet --upgrade pip
"$work/run/bin/pip" install --quiet .
{ header "the portal runs with (deploy/install.sh: pip install -r requirements.lock, then --no-deps .)"
  "$work/run/bin/pip" freeze --exclude-editable | grep -v '^kiks @\|^kiks==' ; } > requirements.lock
"$PYTHON" -m venv "$work/dev"
"$work/dev/bin/pip" install --quiet --upgrade pip
"$work/dev/bin/pip" install --quiet -e ".[dev]"
{ header "make installs (runtime and dev tools; CI too)"
  "$work/dev/bin/pip" freeze --exclude-editable ; } > requirements-dev.lock
echo "requirements.lock: $(grep -vc '^#' requirements.lock) packages; requirements-dev.lock: $(grep -vc '^#' requirements-dev.lock)"
