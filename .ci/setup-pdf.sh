#!/bin/sh
# System packages for the print PDF: poppler-utils (pdftotext/pdffonts for the preflight and the
# tests), fontconfig, and Noto CJK/Noto Serif as the fallback faces for Japanese and other scripts
# that the committed text face (styles/fonts, EB Garamond) does not cover. Idempotent; run as root.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends poppler-utils fontconfig fonts-noto-cjk fonts-noto-core
fc-cache -f >/dev/null
