#!/usr/bin/env bash
# Memory benchmark of the daemon as systemd runs it: takes the JVM options and environment from
# systemd/moodbox.service itself (Environment= lines; MOODBOX_JAVA_OPTS from --opts-file instead,
# as the unit's EnvironmentFile=/etc/default/moodbox would), starts `moodbox run` on a generated
# 640x480 scene video (or the demo source) with the sample music library, samples the process
# every few seconds and prints a table, then first/last/max and the growth after warm-up to the end,
# for RSS, the Java heap, JavaCPP's native memory and the thread count (the soak: docs/soak.md).
# Needs a JDK >= 21, Maven (builds the jar when stale) and FER2013 (../shared/datasets), nothing else.
#   ops/memory-bench.sh                          10 minutes on the video, a sample every 10 s
#   ops/memory-bench.sh --seconds 180 --every 5  shorter
#   ops/memory-bench.sh --source demo            the demo source (scenes composed live in the JVM)
#   ops/memory-bench.sh --source demo --seconds 1800 --every 30   the 30-minute soak (docs/soak.md)
#   ops/memory-bench.sh --warmup 300             growth counted from 5 minutes in (default 120 s)
#   ops/memory-bench.sh --classpath CP           run io.moodbox.app.Main from CP instead of the jar
#                                                (the test suite's short soak: no jar is built)
#   ops/memory-bench.sh --nmt                    + the JVM's own accounting (NativeMemoryTracking,
#                                                costs a few MB itself) per sample, and pmap at the end
#   ops/memory-bench.sh --first-start            an empty music folder: the box's first start, which
#                                                synthesizes the sample library (else it is written once,
#                                                beforehand, and the daemon only scans and analyses it)
#   ops/memory-bench.sh --restart                a start after the first: the daemon runs once until its
#                                                library is analysed and stops; the measured run finds the
#                                                analyses in its cache, as a box does after every restart
#   ops/memory-bench.sh --opts-file /etc/default/moodbox   the JVM options Ansible wrote for a board
#   ops/memory-bench.sh --java-opt -XX:TieredStopAtLevel=1 --env MALLOC_ARENA_MAX=4   try a change
# Columns: rss = VmRSS; anon = RssAnon (Java heap, metaspace, JIT code, malloc: the part that can
# grow); file = RssFile (mapped jar and native library code, shared and reclaimable); cpu% of one
# core over the last interval; fps = frames the box handled per second; heap = Java heap used;
# jcpp = native memory JavaCPP allocated and has not freed (frames, tensors: what a native leak
# grows; Pointer.totalBytes); thr = the process's threads (/proc). heap, jcpp and fps come from the
# box's own /api/status ("memory"), the rest from /proc/PID.
# Everything it writes stays under target/memory-bench/ (video, working directory, log).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
UNIT=systemd/moodbox.service

SECONDS_TOTAL=600 EVERY=10 SOURCE=video NMT=0 FIRST=0 RESTART=0 OPTS_FILE="" EXTRA_OPTS=() EXTRA_ENV=() WARMUP=120 CLASSPATH_RUN=""
usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_TOTAL=${2:?}; shift 2 ;;
    --every) EVERY=${2:?}; shift 2 ;;
    --source) SOURCE=${2:?}; shift 2 ;;
    --nmt) NMT=1; shift ;;
    --first-start) FIRST=1; shift ;;
    --restart) RESTART=1; shift ;;
    --opts-file) OPTS_FILE=${2:?}; shift 2 ;;
    --java-opt) EXTRA_OPTS+=("${2:?}"); shift 2 ;;
    --env) EXTRA_ENV+=("${2:?}"); shift 2 ;;
    --warmup) WARMUP=${2:?}; shift 2 ;;
    --classpath) CLASSPATH_RUN=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "memory-bench: unknown option $1" >&2; usage ;;
  esac
done
[[ $SECONDS_TOTAL =~ ^[0-9]+$ && $EVERY =~ ^[0-9]+$ && $EVERY -ge 1 && $WARMUP =~ ^[0-9]+$ ]] || { echo "memory-bench: --seconds, --every and --warmup take whole seconds" >&2; exit 2; }
[[ $SOURCE == video || $SOURCE == demo ]] || { echo "memory-bench: --source is video or demo" >&2; exit 2; }
die() { printf 'memory-bench: %s\n' "$*" >&2; exit 1; }
say() { printf '== %s\n' "$*" >&2; }

# --- a JDK, the jar, FER2013 ---
for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  [ -n "$c" ] && [ -x "$c/bin/javac" ] && [ -x "$c/bin/jcmd" ] || continue
  v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then export JAVA_HOME=$c; break; fi
  unset v
done
[ -n "${v:-}" ] || die "needs a JDK 21 or newer (JAVA_HOME or /usr/lib/jvm)"
export PATH="$JAVA_HOME/bin:$PATH"
case "$(uname -m)" in aarch64) PLATFORM=linux-arm64 ;; *) PLATFORM=linux-x86_64 ;; esac
mkdir -p target/memory-bench
exec 9>target/memory-bench/.prepare.lock
flock 9   # benches started together build and prepare once
if [ -n "$CLASSPATH_RUN" ]; then
  # The classes are given (the test suite's run): nothing to build. STAMP dates what was written from them.
  JAR_ARGS=(-cp "$CLASSPATH_RUN" io.moodbox.app.Main)
  JAR_LABEL="-cp (the given classpath) io.moodbox.app.Main"
  JAR=$CLASSPATH_RUN
  STAMP=$ROOT/target/classes
else
  JAR=$(ls target/moodbox-*-"$PLATFORM".jar 2>/dev/null | sort | tail -n 1 || true)
  if [ -z "$JAR" ] || [ -n "$(find src/main pom.xml -newer "$JAR" -print -quit)" ]; then
    say "building the jar"
    if [ "$PLATFORM" = linux-arm64 ]; then ./moodbox-dev jar -q -Parm64 >&2; else ./moodbox-dev jar -q >&2; fi
    JAR=$(ls target/moodbox-*-"$PLATFORM".jar | sort | tail -n 1)
  fi
  JAR=$ROOT/$JAR
  JAR_ARGS=(-jar "$JAR")
  JAR_LABEL="-jar $JAR"
  STAMP=$JAR
fi
if [ -z "${MOODBOX_FER2013:-}" ]; then
  d=$ROOT
  while [ "$d" != / ]; do
    [ -f "$d/shared/datasets/fer2013.bin.gz" ] && { export MOODBOX_FER2013=$d/shared/datasets/fer2013.bin.gz; break; }
    d=$(dirname "$d")
  done
fi
[ -n "${MOODBOX_FER2013:-}" ] || die "FER2013 not found (set MOODBOX_FER2013); the scenes are made from its test faces"
MODEL=$ROOT/models/emotion-minixception-int8.tflite
[ -f "$MODEL" ] || die "no model at $MODEL"

# --- the unit's environment and JVM options, read from the unit so the bench cannot drift ---
[ -f "$UNIT" ] || die "$UNIT missing"
grep -q '^ExecStart=/usr/bin/java \$MOODBOX_JAVA_OPTS -jar ' "$UNIT" \
  || die "$UNIT's ExecStart is no longer 'java \$MOODBOX_JAVA_OPTS -jar ...'; update this script to start it the same way"
declare -A UNIT_ENV=()
while IFS= read -r line; do
  # Environment="A=1" "B=2" or Environment=A=1: xargs splits on quotes like systemd, without expanding $.
  while IFS= read -r kv; do
    [ -n "$kv" ] && UNIT_ENV[${kv%%=*}]=${kv#*=}
  done < <(printf '%s\n' "${line#Environment=}" | xargs -n1 printf '%s\n')
done < <(grep '^Environment=' "$UNIT")
if [ -n "$OPTS_FILE" ]; then
  [ -f "$OPTS_FILE" ] || die "$OPTS_FILE does not exist"
  # shellcheck disable=SC1090
  UNIT_ENV[MOODBOX_JAVA_OPTS]=$(. "$OPTS_FILE"; echo "${MOODBOX_JAVA_OPTS:?$OPTS_FILE sets no MOODBOX_JAVA_OPTS}")
fi
[ -n "${UNIT_ENV[MOODBOX_JAVA_OPTS]:-}" ] || die "$UNIT sets no MOODBOX_JAVA_OPTS"

BENCH=$ROOT/target/memory-bench
mkdir -p "$BENCH" "$BENCH/javacpp"
# Only where the box's paths do not exist here: the native-library cache.
read -ra JOPTS <<<"${UNIT_ENV[MOODBOX_JAVA_OPTS]//\/var\/cache\/moodbox\/javacpp/$BENCH/javacpp}"
JOPTS+=("${EXTRA_OPTS[@]}")
[ $NMT = 1 ] && JOPTS+=(-XX:NativeMemoryTracking=summary)
ENV_ARGS=()
for k in "${!UNIT_ENV[@]}"; do [ "$k" = MOODBOX_JAVA_OPTS ] || ENV_ARGS+=("$k=${UNIT_ENV[$k]}"); done
ENV_ARGS+=("${EXTRA_ENV[@]}")

# --- the video: one minute of scenes, looped by the daemon (camera.loop=true) ---
if [ "$SOURCE" = video ]; then
  VIDEO=$BENCH/scenes-60s.mp4
  if [ ! -s "$VIDEO" ] || [ "$STAMP" -nt "$VIDEO" ]; then
    say "writing $VIDEO (SceneGenerator.writeVideo)"
    java -Xmx256m -cp "${CLASSPATH_RUN:-$JAR}" ops/memory/SceneVideo.java "$VIDEO" 60 >"$BENCH/video.log" 2>&1 \
      || { tail "$BENCH/video.log" >&2; die "could not write the video"; }
  fi
  SRC_ARG=$VIDEO
else
  SRC_ARG=demo
fi

# --- the sample music library (moodbox samples), unless the daemon is to write it itself ---
MUSIC=""
if [ $FIRST = 0 ]; then
  MUSIC=$BENCH/music
  if [ ! -d "$MUSIC/samples" ] || [ "$STAMP" -nt "$MUSIC/samples" ]; then
    say "writing the sample library into $MUSIC (moodbox samples)"
    rm -rf "$MUSIC" "$MUSIC.part"
    java -Xmx512m "${JAR_ARGS[@]}" samples "$MUSIC.part" >"$BENCH/samples.log" 2>&1 \
      || { tail "$BENCH/samples.log" >&2; die "could not write the sample library"; }
    mv "$MUSIC.part" "$MUSIC"
  fi
fi
exec 9>&-

# --- a fresh working directory, like the unit's /var/lib/moodbox: settings, state (the music
# analysis cache too, so every run analyses the library as a box's first start with music does) ---
RUN=$(mktemp -d "$BENCH/run-$SOURCE.XXXX")   # several benches may run at once
mkdir -p "$RUN/music"
[ -n "$MUSIC" ] || MUSIC=$RUN/music
cat >"$RUN/moodbox.properties" <<EOF
# written by ops/memory-bench.sh
emotion.model = $MODEL
music.roots = $MUSIC
web.bind = 127.0.0.1
web.port = 0
web.anonymous-status = true
EOF

say "java ${JOPTS[*]} $JAR_LABEL run --config moodbox.properties --source $SRC_ARG"
say "environment: ${ENV_ARGS[*]:-(none)}"
start_daemon() {  # LOG: the daemon as the unit runs it, in the background
  (cd "$RUN" && exec env "${ENV_ARGS[@]}" java "${JOPTS[@]}" "${JAR_ARGS[@]}" run --config moodbox.properties --source "$SRC_ARG") >"$1" 2>&1 &
}
if [ $RESTART = 1 ]; then
  say "first start: until the music library is analysed, then stop (--restart)"
  start_daemon "$RUN/first.log"
  FIRST_PID=$!
  for _ in $(seq 1 240); do
    kill -0 "$FIRST_PID" 2>/dev/null || { tail -n 20 "$RUN/first.log" >&2; die "the first start exited (log: $RUN/first.log)"; }
    grep -q 'Music library: ' "$RUN/first.log" && break
    sleep 0.5
  done
  grep -q 'Music library: ' "$RUN/first.log" || { kill -TERM "$FIRST_PID"; die "the first start did not analyse the library within 2 minutes"; }
  kill -TERM "$FIRST_PID"
  wait "$FIRST_PID" 2>/dev/null || true
fi
LOG=$RUN/daemon.log
start_daemon "$LOG"
PID=$!
cleanup() { kill -TERM "$PID" 2>/dev/null || true; }
trap cleanup EXIT

PORT=""
for _ in $(seq 1 240); do
  kill -0 "$PID" 2>/dev/null || { tail -n 20 "$LOG" >&2; die "the daemon exited during startup (log: $LOG)"; }
  PORT=$(sed -n 's/.*moodbox running: .* page on port \([0-9]*\),.*/\1/p' "$LOG" | head -n 1)
  [ -n "$PORT" ] && break
  sleep 0.5
done
[ -n "$PORT" ] || die "the daemon did not report running within 2 minutes (log: $LOG)"

HZ=$(getconf CLK_TCK)
kb() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$PID/status"; }
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
nmt() {  # committed KB: total heap class code thread other(=rest)
  jcmd "$PID" VM.native_memory summary 2>/dev/null | awk '
    /^Total:/ { match($0, /committed=[0-9]+KB/); total = substr($0, RSTART + 10, RLENGTH - 12) }
    /^-/ { name = $0; sub(/^-[[:space:]]*/, "", name); sub(/[[:space:]]*\(.*/, "", name)
           if (match($0, /committed=[0-9]+KB/)) c[name] = substr($0, RSTART + 10, RLENGTH - 12) }
    END { rest = total - c["Java Heap"] - c["Class"] - c["Code"] - c["Thread"]
          printf "%.1f %.1f %.1f %.1f %.1f %.1f", total/1024, c["Java Heap"]/1024, c["Class"]/1024, c["Code"]/1024, c["Thread"]/1024, rest/1024 }'
}

# One number from the box's /api/status JSON (fps, heapUsedMb, nativeMb, ...), or "-".
field() { printf '%s' "$STATUS" | grep -o "\"$1\":[0-9.]*" | head -n 1 | cut -d: -f2 || true; }

T0=$(date +%s.%N)
say "daemon pid $PID on port $PORT; sampling every ${EVERY}s for ${SECONDS_TOTAL}s"
HEAD=$(printf '%6s %7s %7s %7s %6s %6s %7s %7s %4s' t_s rss_MB anon_MB file_MB cpu% fps heap_MB jcpp_MB thr)
if [ $NMT = 1 ]; then
  printf '%s | %-44s\n' "$HEAD" "NMT committed MB: total heap class code thread rest"
else
  printf '%s\n' "$HEAD"
fi
SAMPLES=()
prev_t=$T0 prev_ticks=$(ticks)
next=0
while :; do
  now=$(date +%s.%N)
  el=$(awk -v a="$now" -v b="$T0" 'BEGIN { printf "%.0f", a - b }')
  if [ "$el" -ge "$next" ]; then
    kill -0 "$PID" 2>/dev/null || { tail -n 20 "$LOG" >&2; die "the daemon died at ${el}s (log: $LOG)"; }
    rss=$(kb VmRSS) anon=$(kb RssAnon) file=$(kb RssFile) t=$(ticks)
    cpu=$(awk -v d="$((t - prev_ticks))" -v hz="$HZ" -v a="$now" -v b="$prev_t" 'BEGIN { printf "%.1f", 100 * d / hz / (a - b) }')
    prev_t=$now prev_ticks=$t
    STATUS=$(curl -fsS --max-time 2 "http://127.0.0.1:$PORT/api/status" 2>/dev/null || true)
    fps=$(field fps) heap=$(field heapUsedMb) jcpp=$(field nativeMb)
    thr=$(sed -n 's/^Threads:[[:space:]]*\([0-9]*\)/\1/p' "/proc/$PID/status")
    row=$(printf '%6s %7s %7s %7s %6s %6s %7s %7s %4s' "$el" "$(mb "$rss")" "$(mb "$anon")" "$(mb "$file")" "$cpu" "${fps:--}" \
      "${heap:--}" "${jcpp:--}" "${thr:--}")
    [ $NMT = 1 ] && row="$row | $(nmt)"
    printf '%s\n' "$row"
    SAMPLES+=("$el $rss $cpu ${fps:-0} ${heap:-0} ${jcpp:-0} ${thr:-0}")
    [ "$el" -ge "$SECONDS_TOTAL" ] && break
    next=$((next + EVERY))
    [ "$next" -gt "$SECONDS_TOTAL" ] && next=$SECONDS_TOTAL
  fi
  sleep 0.5
done

if [ $NMT = 1 ]; then
  say "jcmd VM.native_memory summary (end)"
  jcmd "$PID" VM.native_memory summary | sed -n '/^Total:/,$p' | grep -E '^(Total|-)' >&2 || true
  say "largest resident mappings (pmap -x, KB)"
  pmap -x "$PID" | sort -k3 -n -r | head -n 15 >&2 || true
fi

# Clean stop, as systemctl stop does it.
t_stop=$(date +%s.%N)
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true
trap - EXIT
rm -rf "$RUN"
stop_s=$(awk -v a="$(date +%s.%N)" -v b="$t_stop" 'BEGIN { printf "%.1f", a - b }')

printf '%s\n' "${SAMPLES[@]}" | awk -v src="$SOURCE" -v stop="$stop_s" -v warm="$WARMUP" '
  { t[NR] = $1; r[NR] = $2; c[NR] = $3; f[NR] = $4; h[NR] = $5; j[NR] = $6; th[NR] = $7
    if ($2 > max) { max = $2; tmax = $1 } if (!from && $1 >= warm) from = NR }
  END {
    printf "\nsource %s, %d samples over %d s\n", src, NR, t[NR]
    printf "RSS first %.1f MB (%d s), last %.1f MB (%d s), max %.1f MB (%d s)\n", r[1]/1024, t[1], r[NR]/1024, t[NR], max/1024, tmax
    printf "%-22s %10s %10s\n", "", "start", "end"
    printf "%-22s %10.1f %10.1f\n", "RSS MB", r[1]/1024, r[NR]/1024
    printf "%-22s %10.1f %10.1f\n", "heap used MB", h[1], h[NR]
    printf "%-22s %10.1f %10.1f\n", "native (JavaCPP) MB", j[1], j[NR]
    printf "%-22s %10d %10d\n", "threads", th[1], th[NR]
    if (from && t[NR] > t[from]) {
      n = 0; sx = sy = sxx = sxy = 0; smax = 0
      for (i = from; i <= NR; i++) { n++; sx += t[i]; sy += r[i]; sxx += t[i]*t[i]; sxy += t[i]*r[i]; if (r[i] > smax) smax = r[i]; cpu += c[i]; fps += f[i] }
      slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)   # KB per second, least squares
      grow = (r[NR] - r[from]) / 1024
      printf "after warm-up (%d s) to the end: RSS %+.1f MB (%.1f -> %.1f MB), max %.1f MB, trend %+.2f MB per 10 min\n",
        t[from], grow, r[from]/1024, r[NR]/1024, smax/1024, slope * 600 / 1024
      printf "after warm-up: heap %+.1f MB, native (JavaCPP) %+.1f MB, threads %+d\n", h[NR] - h[from], j[NR] - j[from], th[NR] - th[from]
      printf "goal, RSS flat within 10 MB after warm-up: %s\n", (grow <= 10 && grow >= -10) ? "met" : "NOT met"
      printf "after warm-up: %.1f%% of a core on average, %.1f frames/s handled\n", cpu / n, fps / n
    } else printf "(shorter than the %d s warm-up: no growth figure)\n", warm
    printf "stopped %.1f s after SIGTERM\n", stop
  }'
