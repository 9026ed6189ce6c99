#!/usr/bin/env bash
# Proves the Raspberry Pi build on this x86_64 machine, under QEMU user-mode arm64 emulation
# (../shared/tools/arm64-java.sh, Debian trixie rootfs with OpenJDK 21 = Raspberry Pi OS 13):
#   1. builds target/moodbox-<version>-linux-arm64.jar (./moodbox-dev jar -Parm64) and checks that
#      every native library in it is linux-arm64 (paths and ELF machine = AArch64); prints its size;
#   2. in emulation: writes a video of the vision stage's FER2013 test scenes with the jar's FFmpeg;
#   3. decodes it with FFmpeg, finds and prepares faces with the box's vision stage (OpenCV, or
#      BlazeFace on TFLite) and reads each with its TFLite classifier (the shipped int8 model),
#      printing one line per frame, while counting guest instructions on the main thread
#      (vcpu 1, -XX:+UseSerialGC -Xbatch); then again for fewer frames.
#      (count(N2) - count(N1)) / (N2 - N1) = instructions per frame, with
#      JVM start, class loading, model load and JIT warm-up cancelling out. That is the Pi-cost
#      figure: the same arm64 code a Pi runs, counted, not timed (emulated wall time means nothing).
# Needs root the first time (the harness builds its rootfs and the counting plugin) and FER2013.
#   ops/arm64-proof.sh [N1 N2]        default 3 13 (each emulated run takes minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
N1=${1:-3}
N2=${2:-13}
say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'arm64-proof: %s\n' "$*" >&2; exit 1; }

HARNESS=${ARM64_HARNESS:-}
if [ -z "$HARNESS" ]; then
  d=$PWD
  while [ "$d" != / ]; do
    [ -x "$d/shared/tools/arm64-java.sh" ] && { HARNESS=$d/shared/tools/arm64-java.sh; break; }
    d=$(dirname "$d")
  done
fi
[ -x "$HARNESS" ] || die "arm64-java.sh not found (set ARM64_HARNESS)"
export ARM64_SUITE=trixie ARM64_JDK=21
# The rootfs gets the native libraries the Ansible role installs on a Pi (FFmpeg's libva/libdrm),
# the harness's own defaults, so the team's shared rootfs serves. No GTK: the proof fails if
# OpenCV's highgui (which links GTK 2) is loaded; app.NativeLibraries keeps it out.
export ARM64_PKGS=${ARM64_PKGS:-libva2 libva-drm2 libdrm2}

# --- 1. the jar and its natives ---
JAR=$(ls target/moodbox-*-linux-arm64.jar 2>/dev/null | sort | tail -n 1 || true)
if [ -z "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
  say "./moodbox-dev jar -Parm64"
  ./moodbox-dev jar -Parm64 -q >&2
  JAR=$(ls target/moodbox-*-linux-arm64.jar | sort | tail -n 1)
fi
say "natives in $JAR"
natives=$(unzip -Z1 "$JAR" | grep -E '\.(so(\.[0-9]+)*|dll|dylib|jnilib)$' || true)
[ -n "$natives" ] || die "no native libraries in $JAR"
printf '%s\n' "$natives" | sed -E 's#/[^/]+$##' | sort | uniq -c >&2
foreign=$(printf '%s\n' "$natives" | grep -vE '/linux-arm64/|^org/jline/nativ/Linux/arm64/|^lib/aarch64/' || true)
[ -z "$foreign" ] || { printf '%s\n' "$foreign" >&2; die "natives for other platforms in $JAR"; }
# ELF e_machine (bytes 18-19, little endian) must be 183 = EM_AARCH64 for every library.
bad=0
while IFS= read -r e; do
  # head closes the pipe after 20 bytes: unzip's SIGPIPE is expected, not a failure (pipefail).
  m=$({ unzip -p "$JAR" "$e" || true; } | head -c 20 | od -An -tu2 -j18 -N2 | tr -d ' ')
  [ "$m" = 183 ] || { echo "not AArch64 (e_machine=$m): $e" >&2; bad=1; }
done <<<"$natives"
[ $bad = 0 ] || die "non-arm64 code in $JAR"
echo "$(printf '%s\n' "$natives" | wc -l) native libraries, all ELF AArch64; jar size $(stat -c %s "$JAR") bytes ($(du -m "$JAR" | cut -f1) MiB)"

# --- 2. the proof program, compiled against the jar ---
OUT=target/arm64-proof
mkdir -p "$OUT/classes"
"${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" --release 21 -nowarn -cp "$JAR" -d "$OUT/classes" ops/arm64/ArmProof.java
CP="$PWD/$JAR:$PWD/$OUT/classes"
MODEL=$PWD/models/emotion-minixception-int8.tflite
[ -f "$MODEL" ] || die "no model at $MODEL"
VIDEO=$PWD/$OUT/faces.mp4

say "arm64: write a test video with FFmpeg ($N2 frames)"
"$HARNESS" -Xmx512m -cp "$CP" ArmProof video "$VIDEO" "$N2" 7
cat "$VIDEO.truth"

# --- 3. classify under instruction counting: N2 frames (shown), then N1 frames ---
count() {  # count N -> main-thread (vcpu 1) guest instructions of a classify run of N frames
  local log="$OUT/icount-$1.log"
  ARM64_ICOUNT=1 ARM64_JAVA_OPTS="-XX:+UseSerialGC -Xbatch" \
    "$HARNESS" -Xmx512m -cp "$CP" ArmProof classify "$VIDEO" "$MODEL" "$1" >"$log" 2>&1 \
    || { tail "$log" >&2; die "counting run of $1 frames failed"; }
  sed -n 's/^icount: vcpu 1 insns=\([0-9]*\)$/\1/p' "$log"
}
say "arm64: decode (FFmpeg) + find faces (vision stage) + classify (TFLite), $N2 frames, counting"
c2=$(count "$N2")
grep -v '^icount' "$OUT/icount-$N2.log" | grep -vE '^\s+at |^(DEBUG|TRACE)' | tail -n "$((N2 + 8))"
grep -q '^TensorFlow Lite ' "$OUT/icount-$N2.log" || die "TFLite did not load"
faces=$(sed -n 's/^classified \([0-9]*\) faces.*/\1/p' "$OUT/icount-$N2.log")
[ "${faces:-0}" -gt 0 ] || die "no faces classified"
say "arm64: the same for $N1 frames, counting"
c1=$(count "$N1")
[ -n "$c1" ] && [ -n "$c2" ] || die "no instruction counts (see $OUT/icount-*.log)"
per=$(( (c2 - c1) / (N2 - N1) ))
echo "main thread: $c1 instructions for $N1 frames, $c2 for $N2 frames"
echo "per frame (640x480 MPEG-4 decode + face detection and preparation + int8 CNN per face): $per guest instructions ($(awk -v p="$per" 'BEGIN{printf "%.1f", p/1e6}') M)"
grep '^icount: insns=' "$OUT/icount-$N2.log" | sed 's/^/all threads, '"$N2"' frames: /'
