#!/bin/sh
# Fetches pinned files from an npm package into the build output's io/moodbox/vision/, so the
# jar carries them; never committed. Each file is checked against its sha256 and cached, so a
# copy survives "mvn clean" (npm's own cache also helps). Never fails the build: without npm,
# the network or a matching file it says so and the box goes without (the callers say what then).
#   src/build/fetch-npm.sh OUTPUT_DIR LABEL PACKAGE@VERSION TIMEOUT_S WITHOUT PATH_IN_PACKAGE=SHA256...
set -u
[ $# -ge 6 ] || { echo "usage: fetch-npm.sh OUTPUT_DIR LABEL PACKAGE@VERSION TIMEOUT_S WITHOUT PATH=SHA256..." >&2; exit 2; }
out="$1"; label="$2"; spec="$3"; limit="$4"; without="$5"
shift 5
dest="$out/io/moodbox/vision"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/moodbox/npm/$(printf '%s' "$spec" | tr '/' '+')"

# all_in DIR: every pinned file is in DIR (by its base name) with its sha256.
all_in() {
  for pin in $pins; do
    f="$(basename "${pin%%=*}")"
    [ -f "$1/$f" ] && [ "$(sha256sum "$1/$f" | cut -d' ' -f1)" = "${pin#*=}" ] || return 1
  done
}
pins="$*"

if all_in "$dest"; then exit 0; fi
if ! all_in "$cache"; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "[$label] npm not found: $without" >&2
    exit 0
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && timeout "$limit" npm pack --silent "$spec" >/dev/null 2>"$tmp/err"); then
    echo "[$label] npm pack $spec failed ($(tail -n 1 "$tmp/err")): $without" >&2
    exit 0
  fi
  mkdir -p "$tmp/files"
  for pin in $pins; do
    p="${pin%%=*}"
    tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$p" 2>/dev/null && cp "$tmp/package/$p" "$tmp/files/"
  done
  if ! all_in "$tmp/files"; then
    echo "[$label] files from $spec do not match their known sha256: not used; $without" >&2
    exit 0
  fi
  mkdir -p "$(dirname "$cache")" && rm -rf "$cache.tmp" && cp -r "$tmp/files" "$cache.tmp" && rm -rf "$cache" && mv "$cache.tmp" "$cache"
fi
mkdir -p "$dest"
for pin in $pins; do
  f="$(basename "${pin%%=*}")"
  cp "$cache/$f" "$dest/$f.tmp" && mv "$dest/$f.tmp" "$dest/$f"
done
echo "[$label] bundled from $spec" >&2
