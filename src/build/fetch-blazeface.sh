#!/bin/sh
# Fetches MediaPipe's BlazeFace full-range face detector (Apache-2.0) from the npm package
# @mediapipe/face_detection into the build output, so the jar carries it. Never committed.
# Never fails the build: without npm or the network the box uses the Haar cascade instead.
#   src/build/fetch-blazeface.sh OUTPUT_DIR
set -u
out="${1:?usage: fetch-blazeface.sh OUTPUT_DIR}"
version="0.4.1657300184"
sha256="99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3"
name="face_detection_full_range.tflite"
dest="$out/io/moodbox/vision/$name"

have_sha() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$sha256" ]; }

if have_sha "$dest"; then exit 0; fi
# A copy fetched by an earlier build survives "mvn clean" here (npm's own cache also helps).
cache="${XDG_CACHE_HOME:-$HOME/.cache}/moodbox/blazeface-$version.tflite"
if ! have_sha "$cache"; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "[blazeface] npm not found: building without BlazeFace; the Haar cascade will be used" >&2
    exit 0
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && timeout 180 npm pack --silent "@mediapipe/face_detection@$version" >/dev/null 2>"$tmp/err"); then
    echo "[blazeface] npm pack @mediapipe/face_detection@$version failed ($(tail -n 1 "$tmp/err")): building without BlazeFace; the Haar cascade will be used" >&2
    exit 0
  fi
  tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$name" 2>/dev/null
  if ! have_sha "$tmp/package/$name"; then
    echo "[blazeface] $name from npm does not match its known sha256: not used" >&2
    exit 0
  fi
  mkdir -p "$(dirname "$cache")" && cp "$tmp/package/$name" "$cache.tmp" && mv "$cache.tmp" "$cache"
fi
mkdir -p "$(dirname "$dest")" && cp "$cache" "$dest.tmp" && mv "$dest.tmp" "$dest"
echo "[blazeface] bundled $name from @mediapipe/face_detection@$version" >&2
