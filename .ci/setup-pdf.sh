#!/bin/sh
# System packages for the print PDF: poppler-utils (pdftotext/pdffonts for the preflight and the
# tests), fontconfig, and Noto CJK/Noto Serif as the fallback faces for Japanese and other scripts
# that the committed text face (styles/fonts, EB Garamond) does not cover. Idempotent: installs
# only what is missing (as root), so a machine that has everything needs neither root nor network.
set -eu
export DEBIAN_FRONTEND=noninteractive
missing=""
for pkg in poppler-utils fontconfig fonts-noto-cjk fonts-noto-core; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    apt-get update
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    apt-get install -y --no-install-recommends $missing
    fc-cache -f >/dev/null
fi
