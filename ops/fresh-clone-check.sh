#!/usr/bin/env bash
# The README's first command on a clean clone with nothing built: `./moodbox-dev run` must build
# what is missing (saying so) and bring the page up within the limit, with no other command first.
# Run by `./moodbox-dev test` (so by CI); fails the build when the page does not answer in time.
#   ops/fresh-clone-check.sh            clone HEAD (what a fresh clone gets) and check it
#   FRESH_CLONE_LIMIT_S=240             seconds allowed from the command to an answering page
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${FRESH_CLONE_LIMIT_S:-240}

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'ops/fresh-clone-check.sh: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The clone lives outside the project, so point the demo source at the dataset the project sees
# (../shared beside the checkout), as a developer's clone beside ../shared would find it.
data=${MOODBOX_FER2013:-}
if [ -z "$data" ]; then
  for d in .. ../.. ../../..; do
    [ -f "$d/shared/datasets/fer2013.bin.gz" ] && { data=$(cd "$d/shared/datasets" && pwd)/fer2013.bin.gz; break; }
  done
fi

say "fresh clone of $(git rev-parse --short HEAD) into $work/moodbox"
git clone -q --no-local . "$work/moodbox"
[ ! -e "$work/moodbox/target" ] || die "the clone has a target/ folder; it should have nothing built"

log="$work/run.log"
start=$(date +%s)
(
  cd "$work/moodbox"
  export MOODBOX_WEB_PORT=0 MOODBOX_WEB_BIND=127.0.0.1
  [ -n "$data" ] && export MOODBOX_FER2013="$data"
  exec ./moodbox-dev run
) >"$log" 2>&1 &
pid=$!

say "waiting up to ${limit} s for ./moodbox-dev run to build and serve the page"
port=
while :; do
  now=$(date +%s)
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 40 "$log" >&2
    die "./moodbox-dev run exited after $((now - start)) s without serving the page (log above)"
  fi
  if [ $((now - start)) -ge "$limit" ]; then
    tail -n 40 "$log" >&2
    die "the page did not answer within ${limit} s of ./moodbox-dev run on a fresh clone (log above)"
  fi
  if [ -z "$port" ]; then
    port=$(sed -n 's#.*Page and API on http://[^:]*:\([0-9][0-9]*\)/.*#\1#p' "$log" | head -n 1)
  fi
  if [ -n "$port" ] && code=$(curl -s -o "$work/session.json" -w '%{http_code}' "http://127.0.0.1:$port/api/session") \
      && [ "$code" = 200 ]; then
    break
  fi
  sleep 1
done
took=$(( $(date +%s) - start ))

grep -q 'moodbox-dev: no jar yet; building it' "$log" || die "the run did not say it was building the missing jar"
curl -s -o "$work/index.html" "http://127.0.0.1:$port/"
grep -q '<title>moodbox</title>' "$work/index.html" || die "the page at / is not moodbox's page"
grep -q '"state"' "$work/session.json" || die "/api/session did not answer with the session's state"
say "fresh clone: ./moodbox-dev run built the jar and served the page on port $port in ${took} s"
