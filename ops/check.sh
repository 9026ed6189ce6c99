#!/usr/bin/env bash
# Deployment checks run by `./moodbox-dev test` (so by CI): the systemd unit, the Ansible
# playbook, and the USB stick / network share units. Each fails the build when the unit or playbook is broken; a missing tool that cannot
# be installed fails it too, rather than passing unchecked. About 20 s, mostly ansible-lint.
#   ops/check.sh            all checks
#   ops/check.sh unit       only the systemd unit
#   ops/check.sh ansible    only the playbook
#   ops/check.sh media      only USB sticks and network shares (units, udev rule, the mounter)
set -euo pipefail
cd "$(dirname "$0")/.."

UNIT=systemd/moodbox.service
# Exposure score ceiling (systemd-analyze's 0..10 scale, in tenths): the unit scores 1.8 now;
# a change that loosens the sandbox past 2.0 fails the build.
SECURITY_THRESHOLD=20

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'ops/check.sh: %s\n' "$*" >&2; exit 1; }

# Debian packages, installed where we may (CI runs as root), like moodbox-dev does for chromium.
need() {  # need COMMAND PACKAGE...
  command -v "$1" >/dev/null 2>&1 && return 0
  local cmd=$1; shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing $* for the deployment checks"
    (apt-get -o DPkg::Lock::Timeout=600 update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@") >&2 \
      || die "could not install $* (needed for $cmd)"
  fi
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd is missing; install the Debian package(s) $*"
}

check_unit() {
  need systemd-analyze systemd
  say "systemd-analyze verify $UNIT"
  # verify resolves dependencies and checks that ExecStart's binary is executable. Check the unit
  # inside a scratch root instead of this machine: the system's own units (for targets such as
  # network-online.target) plus /usr/bin/java, which on the box comes from openjdk-21-jre-headless
  # (the Ansible role installs it). Here it is an empty executable, since verify only checks the
  # path; the jar's real start is proven by ops/arm64-proof.sh and the Ansible chroot test.
  local root units
  root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  units=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
  [ -d "$units" ] || units=/lib/systemd/system
  mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd" "$root/usr/bin"
  cp -a "$units" "$root/usr/lib/systemd/system"
  printf '#!/bin/sh\nexit 0\n' >"$root/usr/bin/java"
  chmod 755 "$root/usr/bin/java"
  cp "$UNIT" "$root/etc/systemd/system/moodbox.service"
  local out rc=0
  out=$(systemd-analyze verify --root="$root" moodbox.service 2>&1) || rc=$?
  # verify only warns (exit 0) on unknown or misspelt settings; any message is a failure here.
  if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
    printf '%s\n' "$out" >&2
    die "systemd-analyze verify found problems in $UNIT"
  fi
  say "systemd-analyze security $UNIT (offline, must stay <= $((SECURITY_THRESHOLD / 10)).$((SECURITY_THRESHOLD % 10)))"
  rc=0
  out=$(systemd-analyze security --offline=true --threshold="$SECURITY_THRESHOLD" "$UNIT" 2>&1) || rc=$?
  printf '%s\n' "$out" | grep -E 'Overall exposure level' >&2 || true
  if [ "$rc" -ne 0 ]; then
    printf '%s\n' "$out" | grep '✗' >&2 || true
    die "$UNIT's sandbox got looser (exposure above the threshold)"
  fi
}

# The JVM options live twice: in the unit (a box installed by hand) and in the Ansible template of
# /etc/default/moodbox, which overrides them with sizes for the board's RAM. Apart from those sizes
# they must be the same options, or ops/memory-bench.sh (which reads the unit) measures another JVM.
check_flags() {
  local tmpl=ansible/roles/moodbox/templates/default-moodbox.j2 unit_opts tmpl_opts
  say "JVM options: $UNIT and $tmpl agree (apart from the heap and native sizes)"
  unit_opts=$(sed -n 's/^Environment="MOODBOX_JAVA_OPTS=\(.*\)"$/\1/p' "$UNIT" \
    | sed -E 's/-Xmx[0-9]+m/-Xmx<heap>m/; s/javacpp\.maxbytes=[0-9]+m/javacpp.maxbytes=<native>m/')
  tmpl_opts=$(sed -n 's/^MOODBOX_JAVA_OPTS="\(.*\)"$/\1/p' "$tmpl" \
    | sed -E 's/\{\{ moodbox_heap_mb \}\}/<heap>/; s/\{\{ moodbox_native_mb \}\}/<native>/; s/\{\{ \(.*moodbox_java_extra_opts.*\}\}$//')
  [ -n "$unit_opts" ] || die "no Environment=\"MOODBOX_JAVA_OPTS=...\" line in $UNIT"
  [ -n "$tmpl_opts" ] || die "no MOODBOX_JAVA_OPTS=\"...\" line in $tmpl"
  if [ "$unit_opts" != "$tmpl_opts" ]; then
    printf 'unit:     %s\ntemplate: %s\n' "$unit_opts" "$tmpl_opts" >&2
    die "the JVM options in $UNIT and $tmpl differ"
  fi
}

check_ansible() {
  need ansible-playbook ansible
  need ansible-lint ansible-lint
  say "ansible-playbook --syntax-check ansible/site.yml"
  (cd ansible && ANSIBLE_NOCOLOR=1 ansible-playbook --syntax-check -i inventory/hosts.example.yml site.yml >/dev/null) \
    || die "ansible/site.yml does not parse"
  say "ansible-lint (production profile) ansible/"
  (cd ansible && NO_COLOR=1 ansible-lint --offline --nocolor -q -p --profile production site.yml >&2) \
    || die "ansible-lint found problems in ansible/"
}

# Music onto the box (issue 24): the USB stick unit, rule and mounter, and the network shares'
# mount units as the role renders them.
MEDIA_UNIT=systemd/moodbox-media@.service
MEDIA_RULE=systemd/90-moodbox-media.rules
MEDIA_SCRIPT=systemd/moodbox-media
check_media() {
  need systemd-analyze systemd
  need ansible ansible
  local root units out rc=0 vars
  root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  units=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
  [ -d "$units" ] || units=/lib/systemd/system
  mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd" "$root/usr/local/libexec"
  cp -a "$units" "$root/usr/lib/systemd/system"
  cp "$MEDIA_SCRIPT" "$root/usr/local/libexec/moodbox-media"
  cp "$MEDIA_UNIT" "$root/etc/systemd/system/"
  say "ansible template: the shares' mount units for an SMB and an NFS share"
  vars='{"moodbox_shares_dir": "/srv/moodbox/shares", "moodbox_share_timeout_s": 20}'
  for spec in 'nas cifs //nas.local/music vers=3.0' 'attic nfs attic.local:/export/music vers=4.2'; do
    set -- $spec
    for kind in mount automount; do
      (cd ansible && ANSIBLE_NOCOLOR=1 ansible localhost -c local -i localhost, -m ansible.builtin.template \
        -a "src=roles/moodbox/templates/share.$kind.j2 dest=$root/etc/systemd/system/srv-moodbox-shares-$1.$kind" \
        -e "$vars" -e "{\"share\": {\"name\": \"$1\", \"type\": \"$2\", \"src\": \"$3\", \"options\": \"$4\"}}" >/dev/null) \
        || die "roles/moodbox/templates/share.$kind.j2 does not render"
    done
  done
  say "systemd-analyze verify $MEDIA_UNIT (as moodbox-media@sda1.service) and the share units"
  out=$(systemd-analyze verify --root="$root" moodbox-media@sda1.service srv-moodbox-shares-nas.mount \
    srv-moodbox-shares-nas.automount srv-moodbox-shares-attic.mount srv-moodbox-shares-attic.automount 2>&1) || rc=$?
  if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
    printf '%s\n' "$out" >&2
    die "systemd-analyze verify found problems in the media units"
  fi
  grep -q '^Options=ro,' "$root/etc/systemd/system/srv-moodbox-shares-nas.mount" \
    && grep -q '^Options=ro,' "$root/etc/systemd/system/srv-moodbox-shares-attic.mount" \
    || die "a share's mount unit is not read-only"
  check_rule
  check_mounter
}

# udevadm verify exists from systemd 254 (Debian 13, Pi OS trixie); on older systemd a plainer
# check: every rule line is KEY[{attr}]OP"value" pairs with keys udev knows.
check_rule() {
  if udevadm verify --help >/dev/null 2>&1; then
    say "udevadm verify $MEDIA_RULE"
    udevadm verify --resolve-names=never "$MEDIA_RULE" >&2 || die "udevadm verify found problems in $MEDIA_RULE"
    return
  fi
  say "$MEDIA_RULE: rule syntax (this udevadm $(udevadm --version) has no verify)"
  local pair='(ACTION|SUBSYSTEM|SUBSYSTEMS|KERNEL|ENV\{[A-Z_]+\}|TAG|RUN|ATTRS?\{[a-z_]+\})(==|!=|\+=|=)"[^"]*"'
  local bad
  bad=$(grep -vE '^[[:space:]]*(#|$)' "$MEDIA_RULE" | grep -vxE "$pair(, $pair)*" || true)
  [ -z "$bad" ] || die "$MEDIA_RULE: cannot parse: $bad"
  grep -q 'ENV{SYSTEMD_WANTS}+="moodbox-media@%k.service"' "$MEDIA_RULE" || die "$MEDIA_RULE does not start moodbox-media@"
}

# The mounter for real, where this machine lets us (root, loop devices): an ext4 image with a
# journal, and a FAT one where the kernel has vfat, mounted read-only and unmounted again; the
# images' bytes must not change.
check_mounter() {
  if [ "$(id -u)" != 0 ] || ! command -v losetup >/dev/null 2>&1 || ! losetup -f >/dev/null 2>&1; then
    die "the stick mounter needs root and loop devices to be checked (CI runs as root)"
  fi
  need mkfs.vfat dosfstools
  local work dev img fs before media
  work=$(mktemp -d)
  media=$work/media
  for fs in ext4 vfat; do
    grep -qw "$fs" /proc/filesystems || { say "moodbox-media: this kernel has no $fs; not mounted here"; continue; }
    img=$work/$fs.img
    truncate -s 16M "$img"
    if [ "$fs" = ext4 ]; then mkfs.ext4 -q -L 'Stick One' "$img"; else mkfs.vfat -n 'STICK ONE' "$img" >/dev/null; fi
    before=$(sha256sum <"$img")
    dev=$(losetup -f --show "$img")
    say "moodbox-media mount ${dev#/dev/} ($fs image)"
    MOODBOX_MEDIA_ROOT=$media "$MEDIA_SCRIPT" mount "${dev#/dev/}" >&2 || { losetup -d "$dev"; die "moodbox-media could not mount a $fs stick"; }
    if ! grep -qE "^$dev $media/Stick_One $fs ro," /proc/self/mounts || touch "$media/Stick_One/x" 2>/dev/null; then
      MOODBOX_MEDIA_ROOT=$media "$MEDIA_SCRIPT" unmount "${dev#/dev/}"; losetup -d "$dev"
      die "moodbox-media did not mount the $fs stick read-only at $media/Stick_One"
    fi
    MOODBOX_MEDIA_ROOT=$media "$MEDIA_SCRIPT" unmount "${dev#/dev/}" >&2
    [ ! -e "$media/Stick_One" ] || { losetup -d "$dev"; die "moodbox-media left $media/Stick_One behind"; }
    # A file system mounted already (the system's own disk, say) is left alone.
    mkdir -p "$work/own"
    mount -o ro "$dev" "$work/own"
    MOODBOX_MEDIA_ROOT=$media "$MEDIA_SCRIPT" mount "${dev#/dev/}" >&2
    umount "$work/own"
    losetup -d "$dev"
    [ ! -e "$media/Stick_One" ] || die "moodbox-media mounted a file system that was mounted already"
    [ "$before" = "$(sha256sum <"$img")" ] || die "mounting the $fs stick wrote to it"
  done
  rm -rf "$work"
}

# The role's MPD and Home Assistant variables (docs/home.md) must name real settings, and with
# them set the first config file must hold those keys; left empty, none (the page owns them).
check_home() {
  local defaults=ansible/roles/moodbox/defaults/main.yml props=docs/config.md key keys out
  say "Ansible: MPD and Home Assistant variables set real settings"
  keys=$(grep -oE "'(mpd|mqtt)\.[a-z.-]+'" "$defaults" | tr -d "'" | sort -u)
  [ -n "$keys" ] || die "no mpd.*/mqtt.* keys in $defaults (moodbox_home_settings)"
  for key in $keys; do
    # docs/config.md lists every key the records define (SettingsTest keeps it so).
    grep -qF "\`$key\`" "$props" || die "$defaults sets $key, which no settings record defines ($props)"
  done
  out=$(mktemp -d)
  trap 'rm -rf "$out"' RETURN
  printf -- '- hosts: localhost\n  gather_facts: false\n  vars_files: [%s]\n  tasks:\n    - ansible.builtin.template: {src: %s, dest: %s}\n' \
    "$PWD/$defaults" "$PWD/ansible/roles/moodbox/templates/moodbox.properties.j2" "$out/on.properties" >"$out/play.yml"
  (cd "$out" && ANSIBLE_NOCOLOR=1 ansible-playbook -i localhost, -c local "$out/play.yml" -e moodbox_music_dir=/srv/m \
     -e moodbox_model=m.tflite -e moodbox_mpd_enabled=true -e moodbox_mpd_password=check-pass-1 \
     -e moodbox_mqtt_enabled=true -e moodbox_mqtt_broker=tcp://ha.lan:1883 >/dev/null) || die "the config template does not render"
  for key in "mpd.enabled = true" "mpd.password = check-pass-1" "mqtt.enabled = true" "mqtt.broker = tcp://ha.lan:1883"; do
    grep -qxF "$key" "$out/on.properties" || die "the rendered config lacks '$key'"
  done
  if grep -qE '^(mpd|mqtt)\.user' "$out/on.properties"; then die "an empty role variable must leave its key to the page"; fi
}

case "${1:-all}" in
  unit) check_unit; check_flags ;;
  ansible) check_ansible; check_home ;;
  media) check_media ;;
  all) check_unit; check_flags; check_ansible; check_home; check_media ;;
  *) die "usage: ops/check.sh [unit|ansible|media|all]" ;;
esac
say "deployment checks passed"
