#!/bin/sh
# Fetches the files that a manifest's KIND lines list (KIND ID SOURCE PATH LICENCE SHA256 ...,
# tab-separated) into CACHE/ID.EXT; ops/fetch-real-faces.sh and ops/fetch-real-music.sh are this
# with their manifest and cache. For each package named (npm:NAME@VERSION with npm pack,
# deb:NAME=VERSION with apt-get download) whose files are not all cached with their sha256, it
# downloads the package once, extracts exactly the listed files and checks each sha256; quick
# when cached. Messages start with NAME. Exits non-zero, naming what failed, when a file cannot
# be had.
#   ops/fetch-from-packages.sh NAME KIND MANIFEST CACHE
set -u
[ $# = 4 ] || { echo "usage: ops/fetch-from-packages.sh NAME KIND MANIFEST CACHE" >&2; exit 2; }
name="$1" kind="$2" manifest="$3" cache="$4"
[ -f "$manifest" ] || { echo "$name: no manifest at $manifest" >&2; exit 2; }
mkdir -p "$cache" || exit 2
tab="$(printf '\t')"

# The KIND lines: ID SOURCE PATH SHA256, tab-separated.
files="$(awk -F'\t' -v k="$kind" '$1 == k { print $2 "\t" $3 "\t" $4 "\t" $6 }' "$manifest")"
count="$(printf '%s\n' "$files" | grep -c .)"

# ok ID PATH SHA256: the cached file is there with its sha256.
ok() {
  f="$cache/$1.${2##*.}"
  [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$3" ]
}

# The sources with a file missing or wrong in the cache.
missing_sources="$(printf '%s\n' "$files" | while IFS="$tab" read -r id src path sha; do
  [ -n "$id" ] || continue
  ok "$id" "$path" "$sha" || printf '%s\n' "$src"
done | sort -u)"

# apt-get download writes into the working directory; as root it warns that _apt cannot write there.
download() { (cd "$work" && chmod 777 . && timeout 900 apt-get download -q "$spec" >/dev/null 2>err); }

failed=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for src in $missing_sources; do
  case "$src" in
    npm:*) spec="${src#npm:}" tool=npm prefix=package/ ;;
    deb:*) spec="${src#deb:}" tool=apt-get prefix=./ ;;
    *) echo "$name: unknown source $src (npm:NAME@VERSION or deb:NAME=VERSION)" >&2; failed=1; continue ;;
  esac
  if ! command -v "$tool" >/dev/null 2>&1; then echo "$name: $tool not found, cannot fetch $spec" >&2; failed=1; continue; fi
  work="$tmp/$(printf '%s' "$src" | tr -c 'A-Za-z0-9._-' '_')"
  mkdir -p "$work/x"
  # Only the listed files leave the package (as its archive names them), not the whole of it.
  printf '%s\n' "$files" | awk -F'\t' -v s="$src" -v p="$prefix" '$2 == s { print p $3 }' > "$work/want"
  case "$src" in
    npm:*)
      if ! (cd "$work" && timeout 600 npm pack --loglevel=error "$spec" >/dev/null 2>err); then
        echo "$name: npm pack $spec failed: $(grep -m 1 -E "npm error (code|[0-9]{3}|notarget|404)" "$work/err" || tail -n 1 "$work/err")" >&2; failed=1; continue
      fi
      tar -xzf "$work"/*.tgz -C "$work/x" -T "$work/want" 2>/dev/null
      ;;
    deb:*)
      # A fresh machine may have no package lists yet: as root, read them and try again.
      if ! download && { [ "$(id -u)" != 0 ] || ! apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 || ! download; }; then
        echo "$name: apt-get download $spec failed ($(grep -v unsandboxed "$work/err" | tail -n 1)); 'apt-get update' first may help" >&2
        failed=1; continue
      fi
      # The data part is streamed through tar, not unpacked whole.
      { dpkg-deb --fsys-tarfile "$work"/*.deb || echo x > "$work/notdeb"; } | tar -xf - -C "$work/x" -T "$work/want" 2>/dev/null
      if [ -f "$work/notdeb" ]; then echo "$name: $spec is no Debian package" >&2; failed=1; continue; fi
      ;;
  esac
  printf '%s\n' "$files" | while IFS="$tab" read -r id s path sha; do
    [ "$s" = "$src" ] || continue
    ok "$id" "$path" "$sha" && continue
    file="$work/x/$prefix$path"
    if [ ! -f "$file" ]; then echo "$name: $path is not in $src" >&2; echo x >> "$work/bad"; continue; fi
    got="$(sha256sum "$file" | cut -d' ' -f1)"
    if [ "$got" != "$sha" ]; then echo "$name: $src $path has sha256 $got, the manifest says $sha" >&2; echo x >> "$work/bad"; continue; fi
    dest="$cache/$id.${path##*.}"
    cp "$file" "$dest.tmp" && mv "$dest.tmp" "$dest"
  done
  [ -f "$work/bad" ] && failed=1
  rm -rf "$work"
done
[ "$failed" = 0 ] && echo "$name: all $count ${kind}s in $cache, each with its sha256" >&2
exit "$failed"
