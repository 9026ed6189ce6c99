#!/bin/sh
# Fetches the real photographs that ops/real-faces/manifest.tsv lists into the cache
# (${MOODBOX_REAL_FACES:-${XDG_CACHE_HOME:-~/.cache}/moodbox/real-faces}/ID.EXT): for each
# package named there (npm:NAME@VERSION with npm pack, deb:NAME=VERSION with apt-get download)
# whose files are not all cached with their sha256, it downloads the package once, extracts
# exactly the listed files and checks each sha256. Nothing is committed; quick when cached.
# Exits non-zero, naming what failed, when a file cannot be had.
#   ops/fetch-real-faces.sh [MANIFEST]
set -u
here="$(cd "$(dirname "$0")" && pwd)"
manifest="${1:-$here/real-faces/manifest.tsv}"
cache="${MOODBOX_REAL_FACES:-${XDG_CACHE_HOME:-$HOME/.cache}/moodbox/real-faces}"
[ -f "$manifest" ] || { echo "fetch-real-faces: no manifest at $manifest" >&2; exit 2; }
mkdir -p "$cache" || exit 2
tab="$(printf '\t')"

# The image lines: ID SOURCE PATH SHA256, tab-separated.
images="$(awk -F'\t' '$1 == "image" { print $2 "\t" $3 "\t" $4 "\t" $6 }' "$manifest")"

# ok ID PATH SHA256: the cached file is there with its sha256.
ok() {
  f="$cache/$1.${2##*.}"
  [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$3" ]
}

# The sources with a file missing or wrong in the cache.
missing_sources="$(printf '%s\n' "$images" | while IFS="$tab" read -r id src path sha; do
  ok "$id" "$path" "$sha" || printf '%s\n' "$src"
done | sort -u)"
[ -z "$missing_sources" ] && exit 0

failed=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for src in $missing_sources; do
  work="$tmp/$(printf '%s' "$src" | tr -c 'A-Za-z0-9._-' '_')"
  mkdir -p "$work/x"
  case "$src" in
    npm:*)
      spec="${src#npm:}"
      if ! command -v npm >/dev/null 2>&1; then echo "fetch-real-faces: npm not found, cannot fetch $spec" >&2; failed=1; continue; fi
      if ! (cd "$work" && timeout 600 npm pack --loglevel=error "$spec" >/dev/null 2>err); then
        echo "fetch-real-faces: npm pack $spec failed: $(grep -m 1 -E "npm error (code|[0-9]{3}|notarget|404)" "$work/err" || tail -n 1 "$work/err")" >&2; failed=1; continue
      fi
      extract() { tar -xzf "$work"/*.tgz -C "$work/x" "package/$1" 2>/dev/null && printf '%s' "$work/x/package/$1"; }
      ;;
    deb:*)
      spec="${src#deb:}"
      if ! command -v apt-get >/dev/null 2>&1; then echo "fetch-real-faces: apt-get not found, cannot fetch $spec" >&2; failed=1; continue; fi
      # apt-get download writes into the working directory; as root it warns that _apt cannot write there.
      download() { (cd "$work" && chmod 777 . && timeout 600 apt-get download -q "$spec" >/dev/null 2>err); }
      # A fresh machine may have no package lists yet: as root, read them and try again.
      if ! download && { [ "$(id -u)" != 0 ] || ! apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 || ! download; }; then
        echo "fetch-real-faces: apt-get download $spec failed ($(grep -v unsandboxed "$work/err" | tail -n 1)); 'apt-get update' first may help" >&2
        failed=1; continue
      fi
      dpkg-deb --fsys-tarfile "$work"/*.deb > "$work/data.tar" || { echo "fetch-real-faces: $spec is no Debian package" >&2; failed=1; continue; }
      extract() { tar -xf "$work/data.tar" -C "$work/x" "./$1" 2>/dev/null && printf '%s' "$work/x/$1"; }
      ;;
    *) echo "fetch-real-faces: unknown source $src (npm:NAME@VERSION or deb:NAME=VERSION)" >&2; failed=1; continue ;;
  esac
  printf '%s\n' "$images" | while IFS="$tab" read -r id s path sha; do
    [ "$s" = "$src" ] || continue
    ok "$id" "$path" "$sha" && continue
    if ! file="$(extract "$path")"; then echo "fetch-real-faces: $path is not in $src" >&2; echo x >> "$work/bad"; continue; fi
    got="$(sha256sum "$file" | cut -d' ' -f1)"
    if [ "$got" != "$sha" ]; then echo "fetch-real-faces: $src $path has sha256 $got, the manifest says $sha" >&2; echo x >> "$work/bad"; continue; fi
    dest="$cache/$id.${path##*.}"
    cp "$file" "$dest.tmp" && mv "$dest.tmp" "$dest"
  done
  [ -f "$work/bad" ] && failed=1
  rm -rf "$work"
done
[ "$failed" = 0 ] && echo "fetch-real-faces: all images in $cache" >&2
exit "$failed"
