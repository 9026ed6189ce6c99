#!/usr/bin/env bash
# The README's picture of the page: docs/page.png, taken from the real daemon on embedded
# defaults with the demo source (FER2013 scenes from ../shared/datasets), logged in as the owner
# so the controls show. Nothing of the developer's own state is touched: the owner file, the
# settings, the music state and the sample library go to a temporary folder.
#
#   ops/page-picture.sh [OUT.png]      # default docs/page.png; needs a built jar (./moodbox-dev jar),
#                                      # chromium and chromedriver (Debian chromium, chromium-driver)
#
# It runs about 80 s: the daemon starts, the owner is set up with the setup code from its log,
# the room's plot fills for MOODBOX_PICTURE_SETTLE_S (60) seconds, then the whole page is taken
# at 1200 px wide. On a machine without a sound card the page says so, as it would on a box.
#
# The browser is driven through chromedriver's own HTTP API with curl, so no Selenium is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-docs/page.png}
port=${MOODBOX_PICTURE_PORT:-8097}
driver_port=${MOODBOX_PICTURE_DRIVER_PORT:-9517}
settle_s=${MOODBOX_PICTURE_SETTLE_S:-60}
width=1200 height=${MOODBOX_PICTURE_HEIGHT:-2300}
password='picture-password-1'

jar=$(ls target/moodbox-*-linux-x86_64.jar 2>/dev/null | head -1 || true)
[ -n "$jar" ] || { echo "no target/moodbox-*-linux-x86_64.jar: run ./moodbox-dev jar first" >&2; exit 1; }
java_bin=java
for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    [ -x "$j/bin/java" ] && { java_bin=$j/bin/java; break; }
done
for tool in chromium chromedriver curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

tmp=$(mktemp -d)
daemon_pid='' driver_pid=''
cleanup() {
    [ -n "$driver_pid" ] && kill "$driver_pid" 2>/dev/null || true
    if [ -n "$daemon_pid" ]; then
        kill "$daemon_pid" 2>/dev/null || true
        wait "$daemon_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

touch "$tmp/moodbox.properties"
MOODBOX_WEB_PORT=$port MOODBOX_WEB_BIND=127.0.0.1 \
MOODBOX_WEB_OWNER_FILE="$tmp/web-owner.properties" \
MOODBOX_MUSIC_ROOTS="$tmp/music" MOODBOX_MUSIC_STATE_DIR="$tmp/music-state" \
MOODBOX_CAMERA_SOURCE=demo \
    "$java_bin" -jar "$jar" --config "$tmp/moodbox.properties" run >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!

base=http://127.0.0.1:$port
for _ in $(seq 120); do
    curl -fs "$base/api/session" >/dev/null 2>&1 && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$tmp/daemon.log" >&2; exit 1; }
    sleep 1
done
code=$(grep -o 'setup code [^ ]* ' "$tmp/daemon.log" | head -1 | awk '{print $3}')
[ -n "$code" ] || { echo "no setup code in the daemon's log" >&2; cat "$tmp/daemon.log" >&2; exit 1; }
cookie=$(curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"setupCode\":\"$code\",\"password\":\"$password\"}" "$base/api/setup" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: moodbox_session=\([^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "setup did not log in" >&2; exit 1; }
echo "logged in as the owner; letting the plot fill for ${settle_s} s"
sleep "$settle_s"

chromedriver --port="$driver_port" >"$tmp/driver.log" 2>&1 &
driver_pid=$!
wd=http://127.0.0.1:$driver_port
for _ in $(seq 30); do curl -fs "$wd/status" >/dev/null 2>&1 && break; sleep 0.5; done
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
caps=$(cat <<EOF
{"capabilities":{"alwaysMatch":{"browserName":"chrome","goog:chromeOptions":{"binary":"$(command -v chromium)",
 "args":["--headless","--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update",
 "--disable-sync","--no-first-run","--hide-scrollbars","--user-data-dir=$tmp/profile","--window-size=$width,$height"]}}}}
EOF
)
sid=$(curl -fs -d "$caps" "$wd/session" | json "['value']['sessionId']")
s=$wd/session/$sid
curl -fs -d "{\"url\":\"$base/api/session\"}" "$s/url" >/dev/null
curl -fs -d "{\"cookie\":{\"name\":\"moodbox_session\",\"value\":\"$cookie\",\"path\":\"/\",\"httpOnly\":true}}" "$s/cookie" >/dev/null
curl -fs -d "{\"url\":\"$base/\"}" "$s/url" >/dev/null
sleep 5
curl -fs "$s/screenshot" | json "['value']" | base64 -d >"$tmp/page.png"
curl -fs -X DELETE "$s" >/dev/null || true
# 256 colours keep the page's flat UI sharp at about 40% of the size (ImageMagick, if present).
if command -v convert >/dev/null; then
    convert "$tmp/page.png" -strip -dither None -colors 256 "PNG8:$tmp/small.png" && mv "$tmp/small.png" "$tmp/page.png"
fi
mv "$tmp/page.png" "$out"
echo "$out: $(stat -c %s "$out") bytes"
