#!/bin/sh
# Fetches the real recordings that ops/real-music/manifest.tsv lists into the cache
# (${MOODBOX_REAL_MUSIC:-${XDG_CACHE_HOME:-~/.cache}/moodbox/real-music}/ID.EXT): for each Debian
# package named there (deb:NAME=VERSION, apt-get download) whose files are not all cached with
# their sha256, it downloads the package once, extracts exactly the listed files and checks each
# sha256. Nothing is committed; quick when cached (about 600 MB of packages when not).
# Exits non-zero, naming what failed, when a file cannot be had.
#   ops/fetch-real-music.sh [MANIFEST]
set -u
here="$(cd "$(dirname "$0")" && pwd)"
manifest="${1:-$here/real-music/manifest.tsv}"
cache="${MOODBOX_REAL_MUSIC:-${XDG_CACHE_HOME:-$HOME/.cache}/moodbox/real-music}"
[ -f "$manifest" ] || { echo "fetch-real-music: no manifest at $manifest" >&2; exit 2; }
mkdir -p "$cache" || exit 2
tab="$(printf '\t')"

# The track lines: ID SOURCE PATH SHA256, tab-separated.
tracks="$(awk -F'\t' '$1 == "track" { print $2 "\t" $3 "\t" $4 "\t" $6 }' "$manifest")"

# ok ID PATH SHA256: the cached file is there with its sha256.
ok() {
  f="$cache/$1.${2##*.}"
  [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$3" ]
}

missing_sources="$(printf '%s\n' "$tracks" | while IFS="$tab" read -r id src path sha; do
  ok "$id" "$path" "$sha" || printf '%s\n' "$src"
done | sort -u)"
[ -z "$missing_sources" ] && exit 0

failed=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for src in $missing_sources; do
  case "$src" in
    deb:*) spec="${src#deb:}" ;;
    *) echo "fetch-real-music: unknown source $src (deb:NAME=VERSION)" >&2; failed=1; continue ;;
  esac
  if ! command -v apt-get >/dev/null 2>&1; then echo "fetch-real-music: apt-get not found, cannot fetch $spec" >&2; failed=1; continue; fi
  work="$tmp/$(printf '%s' "$src" | tr -c 'A-Za-z0-9._-' '_')"
  mkdir -p "$work/x"
  # apt-get download writes into the working directory; as root it warns that _apt cannot write there.
  download() { (cd "$work" && chmod 777 . && timeout 900 apt-get download -q "$spec" >/dev/null 2>err); }
  # A fresh machine may have no package lists yet: as root, read them and try again.
  if ! download && { [ "$(id -u)" != 0 ] || ! apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 || ! download; }; then
    echo "fetch-real-music: apt-get download $spec failed ($(grep -v unsandboxed "$work/err" | tail -n 1)); 'apt-get update' first may help" >&2
    failed=1; continue
  fi
  # Only the listed files leave the package: its data part is streamed, not unpacked whole.
  printf '%s\n' "$tracks" | awk -F'\t' -v s="$src" '$2 == s { print "./" $3 }' > "$work/want"
  dpkg-deb --fsys-tarfile "$work"/*.deb | tar -xf - -C "$work/x" -T "$work/want" 2>/dev/null
  printf '%s\n' "$tracks" | while IFS="$tab" read -r id s path sha; do
    [ "$s" = "$src" ] || continue
    ok "$id" "$path" "$sha" && continue
    file="$work/x/$path"
    if [ ! -f "$file" ]; then echo "fetch-real-music: $path is not in $src" >&2; echo x >> "$work/bad"; continue; fi
    got="$(sha256sum "$file" | cut -d' ' -f1)"
    if [ "$got" != "$sha" ]; then echo "fetch-real-music: $src $path has sha256 $got, the manifest says $sha" >&2; echo x >> "$work/bad"; continue; fi
    dest="$cache/$id.${path##*.}"
    cp "$file" "$dest.tmp" && mv "$dest.tmp" "$dest"
  done
  [ -f "$work/bad" ] && failed=1
  rm -rf "$work"
done
[ "$failed" = 0 ] && echo "fetch-real-music: all tracks in $cache" >&2
exit "$failed"
