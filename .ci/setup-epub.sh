#!/usr/bin/env bash
# Install what the EPUB side needs on a fresh Debian machine (as root); safe to run again.
# Java (EPUBCheck), Chromium (DAISY Ace's headless browser), calibre (conversion tests),
# Node/npm, and DAISY Ace itself, project-locally in .tools/ (git-ignored).
set -euo pipefail

# Where Ace goes: this repository's .tools/, or BOOK_TOOLS_DIR when a book repository's CI runs
# the copy of this script that the `book` package ships (book/setup/).
TOOLS="${BOOK_TOOLS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/.tools}"
ACE_VERSION="1.4.6"
PACKAGES=(default-jre-headless chromium calibre nodejs npm fonts-ebgaramond fonts-noto-core)

missing=()
for pkg in "${PACKAGES[@]}"; do
    # Any installed Java (e.g. openjdk-17) is as good as default-jre-headless.
    if [[ $pkg == default-jre-headless ]] && command -v java >/dev/null; then continue; fi
    # Node may come from elsewhere (a newer nodejs package ships npm inside).
    if [[ $pkg == nodejs || $pkg == npm ]] && command -v "${pkg/nodejs/node}" >/dev/null; then continue; fi
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# DAISY Ace 1.4 needs Node.js 20 or newer; Debian bookworm ships 18. The npm registry's `node`
# package brings a Node 20 binary into .tools/node_modules/.bin, where book check runs Ace from.
node_major() { "$1" --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }
if (( $(node_major node || echo 0) < 20 )) && (( $(node_major "$TOOLS/node_modules/.bin/node" || echo 0) < 20 )); then
    mkdir -p "$(readlink -m "$TOOLS")"
    [[ -f "$TOOLS/package.json" ]] || echo '{"private": true}' >"$TOOLS/package.json"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "node@20"
fi

# Ace drives Debian's Chromium through puppeteer: never download a browser of its own.
export PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1
if [[ ! -x "$TOOLS/node_modules/.bin/ace-cli" ]] \
    || ! grep -q "\"version\": \"$ACE_VERSION\"" "$TOOLS/node_modules/@daisy/ace-cli/package.json" 2>/dev/null; then
    mkdir -p "$(readlink -m "$TOOLS")" # a link's target when .tools links to a shared folder
    [[ -f "$TOOLS/package.json" ]] || echo '{"private": true}' >"$TOOLS/package.json"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "@daisy/ace-cli@$ACE_VERSION"
fi
PATH="$TOOLS/node_modules/.bin:$PATH" # the Node 20 installed above, if any
echo "DAISY Ace $("$TOOLS/node_modules/.bin/ace-cli" --version) on Node $(node --version) in .tools/"
