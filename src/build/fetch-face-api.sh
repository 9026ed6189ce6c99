#!/bin/sh
# Fetches face-api.js's SSD-MobileNetV1 face detector weights (MIT) from the npm package
# @vladmandic/face-api into the build output, so the jar carries them. Never committed.
# Never fails the build: without npm or the network the box uses the Haar cascades instead.
#   src/build/fetch-face-api.sh OUTPUT_DIR
set -u
out="${1:?usage: fetch-face-api.sh OUTPUT_DIR}"
version="1.7.15"
files="ssd_mobilenetv1_model.bin ssd_mobilenetv1_model-weights_manifest.json"
sha_of() {
  case "$1" in
    ssd_mobilenetv1_model.bin) echo 2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8 ;;
    ssd_mobilenetv1_model-weights_manifest.json) echo 888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955 ;;
  esac
}
have_sha() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$(sha_of "$2")" ]; }
all_in() { for f in $files; do have_sha "$1/$f" "$f" || return 1; done; }

dest="$out/io/moodbox/vision"
if all_in "$dest"; then exit 0; fi
# A copy fetched by an earlier build survives "mvn clean" here (npm's own cache also helps).
cache="${XDG_CACHE_HOME:-$HOME/.cache}/moodbox/face-api-$version"
if ! all_in "$cache"; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "[face-api] npm not found: building without the SSD face detector; the Haar cascades will be used" >&2
    exit 0
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && timeout 300 npm pack --silent "@vladmandic/face-api@$version" >/dev/null 2>"$tmp/err"); then
    echo "[face-api] npm pack @vladmandic/face-api@$version failed ($(tail -n 1 "$tmp/err")): building without the SSD face detector; the Haar cascades will be used" >&2
    exit 0
  fi
  for f in $files; do tar -xzf "$tmp"/*.tgz -C "$tmp" "package/model/$f" 2>/dev/null; done
  if ! all_in "$tmp/package/model"; then
    echo "[face-api] the SSD weights from npm do not match their known sha256: not used" >&2
    exit 0
  fi
  mkdir -p "$cache.tmp" && cp "$tmp"/package/model/ssd_mobilenetv1_model* "$cache.tmp/" && rm -rf "$cache" && mv "$cache.tmp" "$cache"
fi
mkdir -p "$dest"
for f in $files; do cp "$cache/$f" "$dest/$f.tmp" && mv "$dest/$f.tmp" "$dest/$f"; done
echo "[face-api] bundled the SSD-MobileNetV1 face detector weights from @vladmandic/face-api@$version" >&2
