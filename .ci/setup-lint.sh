#!/usr/bin/env bash
# action-validator, which `make lint` runs on every GitHub workflow the project ships or generates
# (GitHub itself is not reachable from CI). Installed project-locally in .tools/action-validator/
# (git-ignored), apart from DAISY Ace's tree so the two never disturb each other; safe to run again.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="0.6.0"
PREFIX="$ROOT/.tools/action-validator"
INSTALLED="$PREFIX/node_modules/@action-validator/cli/package.json"

if grep -q "\"version\": \"$VERSION\"" "$INSTALLED" 2>/dev/null; then
    exit 0
fi
if ! command -v npm >/dev/null; then
    echo "setup-lint: npm is needed to install action-validator: run 'make tools' (or apt-get install nodejs npm)" >&2
    exit 1
fi
# Install beside the target and rename into place, so a `make lint` running at the same time in
# another checkout sharing .tools/ never sees a half-installed tree.
# .tools may be a link to a shared folder (a git worktree's to the main checkout's): make its target.
mkdir -p "$(readlink -m "$ROOT/.tools")"
staging="$(mktemp -d "$ROOT/.tools/.action-validator.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
echo '{"private": true}' >"$staging/package.json"
npm install --prefix "$staging" --no-audit --no-fund --loglevel=error "@action-validator/cli@$VERSION"
rm -rf "$PREFIX"
mv -T "$staging" "$PREFIX" 2>/dev/null || true
echo "action-validator $VERSION in .tools/action-validator/"
