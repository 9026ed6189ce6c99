#!/usr/bin/env bash
# Applies the Ansible role for real to a fresh Debian trixie root (debootstrap, this machine's
# architecture) through Ansible's chroot connection, three times:
#   1. the first install (packages, user, overlays, jar, config, unit, journald cap, music),
#   2. again: must report changed=0 (idempotent),
#   3. after an owner's settings change made "by the page": changed=0 again and the owner's line kept.
# Then checks the result inside the root: the user's groups, the unit enabled for boot,
# `systemd-analyze verify` against the root's real /usr/bin/java, and the installed jar starting
# under the service user with the role's JVM options.
#
# Honest limits: a chroot has no running systemd, so the role installs and enables the service
# but does not start it there (moodbox_manage_service is false for chroot connections), and the
# handlers that restart services are skipped. rpicam-apps lives in the Raspberry Pi archive, not
# in Debian's, so the camera package list is empty here. The root is amd64 (or whatever this
# machine is), so the role picks the linux-x86_64 jar; on a Pi it picks linux-arm64.
#
# Needs root, debootstrap, ansible and network access to a Debian mirror. Takes ~5 min the first
# time (the base root is cached as a tarball in ~/.cache/moodbox), ~3 min after. CI skips it.
#   ops/ansible-chroot-test.sh [--keep]     (--keep leaves the root in place for a look)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
KEEP=${1:-}
SUITE=trixie
MIRROR=${MOODBOX_MIRROR:-http://deb.debian.org/debian}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/moodbox
ARCH=$(dpkg --print-architecture)
BASE=$CACHE/debootstrap-$SUITE-$ARCH.tar.gz

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'ansible-chroot-test: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
for c in debootstrap ansible-playbook; do
  command -v "$c" >/dev/null || die "$c missing: apt-get install debootstrap ansible"
done

case $ARCH in
  amd64) PLATFORM=linux-x86_64 ;;
  arm64) PLATFORM=linux-arm64 ;;
  *) die "no moodbox jar for $ARCH" ;;
esac
JAR=$(ls target/moodbox-*-"$PLATFORM".jar 2>/dev/null | sort | tail -n 1 || true)
if [ -z "$JAR" ]; then
  say "building the $PLATFORM jar"
  ./moodbox-dev jar $([ "$PLATFORM" = linux-arm64 ] && echo -Parm64) -q
  JAR=$(ls target/moodbox-*-"$PLATFORM".jar | sort | tail -n 1)
fi

WORK=$(mktemp -d /var/tmp/moodbox-chroot-test.XXXXXX)
ROOT=$WORK/root
# A snapshot of what the playbook reads, so edits or builds in the working tree during the
# test cannot show up as changes between the runs.
SNAP=$WORK/repo
mkdir -p "$SNAP/target" "$SNAP/models"
cp -a ansible systemd "$SNAP/"
cp -a models/*.tflite "$SNAP/models/"
cp -a "$JAR" "$SNAP/target/"
rm -f "$SNAP/ansible/inventory/hosts.yml"
cleanup() {
  for m in proc dev/pts dev sys; do
    mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m"
  done
  if [ "$KEEP" = --keep ]; then echo "kept $ROOT" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- a fresh root shaped like Raspberry Pi OS Lite: systemd, python3, sudo, /boot/firmware ---
if [ ! -f "$BASE" ]; then
  say "debootstrap $SUITE $ARCH (cached afterwards in $BASE)"
  mkdir -p "$CACHE"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,python3,sudo,ca-certificates,dbus \
    "$SUITE" "$WORK/base" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; die "debootstrap failed"; }
  tar -C "$WORK/base" -czf "$BASE.partial" . && mv "$BASE.partial" "$BASE"
  rm -rf "$WORK/base"
fi
mkdir -p "$ROOT"
tar -C "$ROOT" -xzf "$BASE"
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t sysfs sysfs "$ROOT/sys"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# Package scripts must not start daemons inside the test root.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mkdir -p "$ROOT/boot/firmware"
printf '# Pi OS config.txt (abridged)\ndtparam=audio=on\ncamera_auto_detect=1\ndisplay_auto_detect=1\n\n[all]\n' \
  >"$ROOT/boot/firmware/config.txt"

# --- the owner's music on "the laptop" ---
mkdir -p "$WORK/music/Some Artist"
head -c 20000 /dev/urandom >"$WORK/music/Some Artist/01 first song.flac"
head -c 30000 /dev/urandom >"$WORK/music/Some Artist/02 second song.mp3"

cat >"$WORK/hosts.yml" <<EOF
moodbox:
  hosts:
    testbox:
      ansible_connection: community.general.chroot
      ansible_host: $ROOT
      moodbox_jar: $SNAP/$JAR
      moodbox_music_src: $WORK/music
      moodbox_music_sync: copy
      moodbox_i2s_overlay: hifiberry-dac
      moodbox_camera_packages: []
EOF

play() {  # play LABEL: one run, prints and checks the recap, leaves it in $WORK/LABEL.log
  say "ansible-playbook site.yml ($1)"
  (cd "$SNAP/ansible" && ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 \
     ansible-playbook -i "$WORK/hosts.yml" site.yml) >"$WORK/$1.log" 2>&1 || {
    tail -40 "$WORK/$1.log"; die "run '$1' failed"; }
  grep -A2 '^PLAY RECAP' "$WORK/$1.log" | sed -n 2p
}
recap_changed() { grep -A1 '^PLAY RECAP' "$WORK/$1.log" | sed -n 's/.*changed=\([0-9]*\).*/\1/p'; }

play first
[ "$(recap_changed first)" -gt 0 ] || die "the first run changed nothing?"
play second
if [ "$(recap_changed second)" != 0 ]; then
  grep -E '^changed:' "$WORK/second.log" >&2 || true
  die "the second run changed something: the role is not idempotent"
fi

say "the page saves an owner's setting; the role must keep it"
printf 'mood.hold-s = 0.9\n' >>"$ROOT/etc/moodbox/moodbox.properties"
play third
[ "$(recap_changed third)" = 0 ] || die "the run after an owner's edit changed something"
grep -qx 'mood.hold-s = 0.9' "$ROOT/etc/moodbox/moodbox.properties" || die "the owner's setting was lost"

say "checks inside the root"
in_root() { chroot "$ROOT" "$@"; }
in_root id moodbox
for g in gpio video audio; do in_root id -nG moodbox | tr ' ' '\n' | grep -qx "$g" || die "moodbox is not in group $g"; done
[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/moodbox.service" ] || die "moodbox.service is not enabled"
grep -q '^dtoverlay=hifiberry-dac$' "$ROOT/boot/firmware/config.txt" || die "the I2S overlay is missing"
[ -f "$ROOT/srv/moodbox/music/Some Artist/02 second song.mp3" ] || die "the music was not synced"
cat "$ROOT/etc/moodbox/moodbox.properties"
# This machine's systemd-analyze may be older than the root's systemd and warn about keys in the
# root's own units (ImportCredential, ...); only messages about moodbox count here.
out=$(systemd-analyze verify --root="$ROOT" moodbox.service 2>&1) || { echo "$out"; die "verify failed"; }
if printf '%s\n' "$out" | grep -F 'moodbox.service'; then die "verify complained about moodbox.service"; fi
echo "systemd-analyze verify --root: moodbox.service clean (ExecStart is the root's $(in_root readlink -f /usr/bin/java))"
# The installed jar under the service user with the role's JVM options (as the unit runs it;
# the native cache goes to /tmp here, since systemd's CacheDirectory= does not exist in a chroot).
# shellcheck disable=SC1091
opts=$(. "$ROOT/etc/default/moodbox"; echo "$MOODBOX_JAVA_OPTS")
echo "MOODBOX_JAVA_OPTS=$opts"
rc=0
in_root runuser -u moodbox -- /usr/bin/java ${opts//\/var\/cache\/moodbox/\/tmp} -jar /opt/moodbox/moodbox.jar --help >"$WORK/help.log" 2>&1 || rc=$?
head -n 5 "$WORK/help.log"
grep -qi 'usage' "$WORK/help.log" || die "the installed jar did not start as the service user (exit $rc)"

say "recaps"
for r in first second third; do printf '%-7s ' "$r"; grep -A1 '^PLAY RECAP' "$WORK/$r.log" | sed -n 2p; done
