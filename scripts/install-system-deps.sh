#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Salon needs, once. Idempotent and fast when all is present,
# so `npm start` can call it every time. Runs apt as root, or through sudo.
#   build:   compile the mediasoup worker offline against system libraries (see build-media-worker.sh)
#   test:    headless Chromium and audio tools for the end-to-end tests
# Usage: install-system-deps.sh [build] [test] [--dry-run]
#
# For the worker build it also makes sure apt has deb-src entries (`apt-get source` fetches the libsrtp
# source from there) and, on Debian 12, bookworm-backports (meson >= 1.1). It adds them as
# sources.list.d/salon-deb-src.* and salon-backports.*, on the mirror this machine already uses and in
# the style of the entry it came from: one-line `.list` for a classic /etc/apt/sources.list, deb822
# `.sources` otherwise, with the same options (Signed-By...) as that entry, as apt requires.
#
# Environment:
#   APT_ETC=/etc/apt             where apt's sources.list and sources.list.d/ are read and written
#   OS_RELEASE=/etc/os-release   which distribution and release this is
#   SALON_APT_DRY_RUN=1          same as --dry-run: run no apt-get and nothing as root, print the
#                                commands instead; source entries are printed, and written only under
#                                an APT_ETC other than /etc/apt (what the tests do)
set -Eeuo pipefail

say() { echo "install-system-deps: $*"; }
die() { echo "install-system-deps: $*" >&2; exit 1; }
on_error() {
  [ "$BASHPID" = "$$" ] || return 0 # once, from the main shell
  echo "install-system-deps: unexpected failure (exit $1) at line $2: $3" >&2
  echo "install-system-deps: please report it with the output above; \`npm run setup\` retries the set-up" >&2
}
trap 'on_error $? $LINENO "$BASH_COMMAND"' ERR

APT_ETC="${APT_ETC:-/etc/apt}"
OS_RELEASE="${OS_RELEASE:-/etc/os-release}"
dry_run=0; [ "${SALON_APT_DRY_RUN:-}" = 1 ] && dry_run=1
want_build=0 want_test=0
for arg in "$@"; do
  case "$arg" in
    build) want_build=1 ;;
    test) want_test=1 ;;
    --dry-run) dry_run=1 ;;
    *) echo "install-system-deps: unknown argument '$arg' (expected: build, test, --dry-run)" >&2; exit 2 ;;
  esac
done
[ $want_build = 0 ] && [ $want_test = 0 ] && want_build=1

# ffmpeg is also a run-time need: it records and mixes rooms; so is fonts-dejavu-core (the share cards' font).
build_packages=(build-essential pkg-config ninja-build python3 dpkg-dev
  libabsl-dev libuv1-dev libssl-dev libusrsctp-dev nlohmann-json3-dev ffmpeg fonts-dejavu-core)
test_packages=(chromium sox ffmpeg espeak-ng coturn caddy nginx pebble systemd)  # systemd: systemd-analyze verifies the service unit

[ -r "$OS_RELEASE" ] || die "cannot read $OS_RELEASE to tell which system this is; the automatic set-up supports Debian 12 and Ubuntu 24.04"
eval "$(. "$OS_RELEASE"; printf 'os_id=%q os_like=%q os_codename=%q ubuntu_codename=%q\n' \
  "${ID:-}" "${ID_LIKE:-}" "${VERSION_CODENAME:-}" "${UBUNTU_CODENAME:-}")"
case " $os_id $os_like " in
  *" ubuntu "*) distro=ubuntu codename="${ubuntu_codename:-$os_codename}" ;;
  *" debian "*) distro=debian codename="$os_codename" ;;
  *) distro=other codename="$os_codename" ;;
esac

# --- What is missing: one dpkg-query for all packages, meson's version, apt's sources. ---
wanted=()
[ $want_build = 1 ] && wanted+=("${build_packages[@]}")
[ $want_test = 1 ] && wanted+=("${test_packages[@]}")
installed=$'\n'"$(dpkg-query -W --showformat='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null || true)"$'\n'
missing=()
for p in "${wanted[@]}"; do
  case "$installed" in *$'\n'"$p install ok installed"$'\n'*) ;; *) missing+=("$p") ;; esac
done

# meson >= 1.1 is needed by mediasoup's meson.build; Debian 12 has 1.0.1, its backports 1.7.
meson_ok() { command -v meson >/dev/null && dpkg --compare-versions "$(meson --version)" ge 1.1 2>/dev/null; }
need_meson=0
if [ $want_build = 1 ] && ! meson_ok; then need_meson=1; fi

# apt's source entries, as apt reads them: sources.list, then sources.list.d/*.list and *.sources in
# name order (other names, e.g. *.disabled or *.save, are ignored). One record per type, URI and
# suite, fields separated by \036: format, file, type, URI, suite, components, options (one-line:
# the text inside [...]; deb822: the stanza's other fields, lines joined by \037).
read_apt_sources() {
  local files=() f
  if [ -f "$APT_ETC/sources.list" ]; then files+=("$APT_ETC/sources.list"); fi
  for f in "$APT_ETC"/sources.list.d/*; do
    case "${f##*/}" in *[!A-Za-z0-9_.-]*) continue ;; *.list | *.sources) if [ -f "$f" ]; then files+=("$f"); fi ;; esac
  done
  if [ ${#files[@]} -eq 0 ]; then return 0; fi
  awk '
    function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); gsub(/[ \t]+/, " ", s); return s }
    function emit(fmt, file, type, uri, suite, comps, opts) {
      print fmt "\036" file "\036" type "\036" uri "\036" suite "\036" trim(comps) "\036" opts
    }
    function oneline(line,   type, opts, i, n, w, comps) {
      sub(/#.*/, "", line); line = trim(line)
      type = line; sub(/ .*/, "", type)
      if (type != "deb" && type != "deb-src") return
      line = trim(substr(line, length(type) + 1)); opts = ""
      if (substr(line, 1, 1) == "[") {
        i = index(line, "]"); if (!i) return
        opts = trim(substr(line, 2, i - 2)); line = trim(substr(line, i + 1))
      }
      n = split(line, w, " "); comps = ""
      for (i = 3; i <= n; i++) comps = comps " " w[i]
      if (n >= 2) emit("list", FILENAME, type, w[1], w[2], comps, opts)
    }
    function flush(   nt, nu, ns, t, u, s, T, U, S) {
      if (in_stanza && tolower(trim(enabled)) != "no") {
        nt = split(trim(types), T, " "); nu = split(trim(uris), U, " "); ns = split(trim(suites), S, " ")
        for (t = 1; t <= nt; t++) for (u = 1; u <= nu; u++) for (s = 1; s <= ns; s++)
          if (T[t] == "deb" || T[t] == "deb-src") emit("sources", sfile, T[t], U[u], S[s], comps, other)
      }
      in_stanza = 0; types = uris = suites = comps = other = enabled = key = ""
    }
    FNR == 1 { flush(); deb822 = FILENAME ~ /\.sources$/ }
    !deb822 { oneline($0); next }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    /^[ \t]/ {
      if (key == "types") types = types " " $0; else if (key == "uris") uris = uris " " $0
      else if (key == "suites") suites = suites " " $0; else if (key == "components") comps = comps " " $0
      else if (key != "enabled") other = other "\037" $0
      next
    }
    /:/ {
      in_stanza = 1; sfile = FILENAME; key = tolower($0); sub(/:.*/, "", key); value = $0; sub(/^[^:]*:[ \t]*/, "", value)
      if (key == "types") types = value; else if (key == "uris") uris = value
      else if (key == "suites") suites = value; else if (key == "components") comps = value
      else if (key == "enabled") enabled = value
      else other = (other == "" ? "" : other "\037") $0
    }
    END { flush() }
  ' "${files[@]}"
}

# deb-src for this release (libsrtp2 is in main on Debian, universe on Ubuntu), backports (Debian),
# and the mirror: the first `deb` entry with main for this release, else the first other non-security
# one with main (e.g. suite "stable").
src_components=main; [ "$distro" = ubuntu ] && src_components="main universe"
need_src=0 need_backports=0
mirror="" mirror_fmt="" mirror_opts="" mirror_from=""
if [ $want_build = 1 ]; then
  [ $distro = other ] && die "this is not Debian or Ubuntu ($OS_RELEASE: ID=$os_id); install the equivalents of ${build_packages[*]} and meson >= 1.1 yourself (scripts/build-media-worker.sh says what the worker build needs)"
  entries="$(read_apt_sources)" || die "could not read the apt sources in $APT_ETC (see the message above)"
  src_seen=" " has_backports=0 alt=""
  while IFS=$'\036' read -r fmt file type uri suite comps opts; do
    [ -n "$type" ] || continue
    if [ "$type" = deb-src ] && [ "$suite" = "$codename" ]; then src_seen+="$comps "; fi
    [[ " $comps " == *" main "* ]] || continue
    [ "$type" = deb ] || continue
    if [ "$suite" = "$codename-backports" ]; then has_backports=1; fi
    if [ -z "$mirror" ] && [ "$suite" = "$codename" ]; then
      mirror="$uri" mirror_fmt="$fmt" mirror_opts="$opts" mirror_from="$file"
    elif [ -z "$alt" ] && [[ ! "$suite" =~ -(security|updates|backports|proposed)$ && ! "$uri" =~ security ]]; then
      alt="$uri"$'\036'"$fmt"$'\036'"$opts"$'\036'"$file"
    fi
  done <<<"$entries"
  if [ -z "$mirror" ] && [ -n "$alt" ]; then IFS=$'\036' read -r mirror mirror_fmt mirror_opts mirror_from <<<"$alt"; fi
  for c in $src_components; do [[ "$src_seen" == *" $c "* ]] || need_src=1; done
  if [ $need_meson = 1 ] && [ $distro = debian ] && [ $has_backports = 0 ]; then need_backports=1; fi
fi

if [ ${#missing[@]} -eq 0 ] && [ $need_meson = 0 ] && [ $need_src = 0 ]; then exit 0; fi

# --- Something to do: as root, or through sudo (not in a dry run). ---
[ $distro = other ] && die "this is not Debian or Ubuntu ($OS_RELEASE: ID=$os_id); install the equivalents of ${missing[*]} yourself"
if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else SUDO=(); fi
if [ $dry_run = 0 ]; then
  command -v apt-get >/dev/null || die "apt-get not found; the automatic set-up supports Debian 12 and Ubuntu 24.04 (missing: ${missing[*]:-deb-src entries})"
  if [ "$(id -u)" -ne 0 ]; then
    [ ${#SUDO[@]} -gt 0 ] || die "need root or sudo to install ${missing[*]:-apt entries}; run \`bash scripts/install-system-deps.sh\` as root once, then \`npm start\` again"
    if ! sudo -n true 2>/dev/null && ! { : </dev/tty; } 2>/dev/null; then
      die "sudo needs a password and there is no terminal to ask it; run \`sudo bash scripts/install-system-deps.sh build\` once in a terminal, then \`npm start\` again"
    fi
  fi
fi

run_apt() {
  if [ $dry_run = 1 ]; then say "would run: ${SUDO[*]:+${SUDO[*]} }apt-get $*"; return 0; fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" # env: sudo would drop an exported variable
}
# Writes sources.list.d/<name> (through sudo when the directory is not writable).
write_source() {
  local path="$APT_ETC/sources.list.d/$1" via=()
  if [ $dry_run = 1 ] && [ "$APT_ETC" -ef /etc/apt ]; then
    say "would write $path:"; printf '%s' "$2" | sed 's/^/    /'; return 0
  fi
  say "writing $path"
  if [ $dry_run = 0 ] && [ ! -w "$APT_ETC/sources.list.d" ]; then via=("${SUDO[@]}"); fi
  "${via[@]}" mkdir -p "$APT_ETC/sources.list.d" &&
    printf '%s' "$2" | "${via[@]}" tee "$path" >/dev/null ||
    die "could not write $path; add this entry yourself, then run \`npm run setup\` again:"$'\n'"$2"
}
# One entry on the mirror, in the style of the entry it came from (same options: apt refuses
# differing Signed-By values for one mirror and suite).
source_entry() { # type suite components
  local header="# Added by Salon's scripts/install-system-deps.sh (media worker build)."
  if [ "$mirror_fmt" = list ]; then
    printf '%s\n%s %s%s %s %s\n' "$header" "$1" "${mirror_opts:+[$mirror_opts] }" "$mirror" "$2" "$3"
  else
    printf '%s\nTypes: %s\nURIs: %s\nSuites: %s\nComponents: %s\n' "$header" "$1" "$mirror" "$2" "$3"
    if [ -n "$mirror_opts" ]; then printf '%s\n' "${mirror_opts//$'\037'/$'\n'}"; fi
  fi
}

sources_hint="check your network and the apt sources in $APT_ETC/sources.list and $APT_ETC/sources.list.d/ (or wait for another apt/unattended-upgrades run to finish), then run \`npm run setup\` again"
if [ $need_src = 1 ] || [ $need_backports = 1 ]; then
  [ -n "$codename" ] || die "$OS_RELEASE has no VERSION_CODENAME; add deb-src entries ($src_components) and, on Debian, backports for your release yourself, then run \`npm run setup\` again"
  if [ -z "$mirror" ]; then
    mirror=http://deb.debian.org/debian key=/usr/share/keyrings/debian-archive-keyring.gpg
    [ $distro = ubuntu ] && mirror=http://archive.ubuntu.com/ubuntu key=/usr/share/keyrings/ubuntu-archive-keyring.gpg
    mirror_fmt=sources mirror_opts="" mirror_from="default: no deb entry with main for $codename in $APT_ETC"
    [ -f "$key" ] && mirror_opts="Signed-By: $key"
  fi
  say "using mirror $mirror ($mirror_from)"
  ext=.$mirror_fmt
  if [ $need_src = 1 ]; then
    say "adding deb-src entries for $codename ($src_components)"
    write_source "salon-deb-src$ext" "$(source_entry deb-src "$codename" "$src_components")"$'\n'
  fi
  if [ $need_backports = 1 ]; then
    say "adding $codename-backports for meson >= 1.1"
    write_source "salon-backports$ext" "$(source_entry deb "$codename-backports" main)"$'\n'
  fi
fi

say "apt-get update"
run_apt update -qq || die "apt-get update failed (exit $?); $sources_hint"
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  run_apt install -y -qq --no-install-recommends "${missing[@]}" ||
    die "apt-get install failed (exit $?) for: ${missing[*]}; see apt's message above, fix it (or install them yourself), then run \`npm run setup\` again"
fi
# coturn, caddy and nginx are only test dependencies (the tests start their own on loopback, on high
# ports): Debian starts their system services on install (caddy and nginx on port 80), so stop and
# disable those rather than leave a TURN server or a web server running.
for service in coturn caddy nginx; do
  if [[ " ${missing[*]} " == *" $service "* ]] && [ $dry_run = 0 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    say "stopping the $service system service (the tests run their own)"
    "${SUDO[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || say "could not stop the $service service; stop it with \`systemctl disable --now $service\` if you do not use it"
  fi
done
if [ $need_meson = 1 ]; then
  from=(); [ $distro = debian ] && from=(-t "$codename-backports")
  say "installing meson${from[1]:+ from ${from[1]}}"
  run_apt install -y -qq --no-install-recommends "${from[@]}" meson ||
    die "could not install meson (exit $?)${from[1]:+ from ${from[1]}}; $sources_hint"
  if [ $dry_run = 0 ] && ! meson_ok; then
    die "meson >= 1.1 not available (have $(meson --version 2>/dev/null || echo none)); install a newer meson (e.g. \`pip install meson\`), then run \`npm run setup\` again"
  fi
fi
