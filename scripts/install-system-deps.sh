#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Salon needs, once. Idempotent and fast when all is present,
# so `npm start` can call it every time. Runs apt as root, or through sudo.
#   build:   compile the mediasoup worker offline against system libraries (see build-media-worker.sh)
#   test:    headless Chromium and audio tools for the end-to-end tests
# Usage: install-system-deps.sh [build] [test]
set -euo pipefail

want_build=0 want_test=0
for arg in "${@:-build}"; do
  case "$arg" in
    build) want_build=1 ;;
    test) want_test=1 ;;
    *) echo "install-system-deps: unknown set '$arg' (expected: build, test)" >&2; exit 2 ;;
  esac
done

build_packages=(build-essential pkg-config ninja-build python3 dpkg-dev
  libabsl-dev libuv1-dev libssl-dev libusrsctp-dev nlohmann-json3-dev)
test_packages=(chromium sox ffmpeg espeak-ng)

if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
  echo "install-system-deps: need root or sudo to install packages" >&2; exit 1; fi

. /etc/os-release
codename="${VERSION_CODENAME:-}"

missing=()
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
wanted=()
[ $want_build = 1 ] && wanted+=("${build_packages[@]}")
[ $want_test = 1 ] && wanted+=("${test_packages[@]}")
for p in "${wanted[@]}"; do is_installed "$p" || missing+=("$p"); done

# meson >= 1.1 is needed by mediasoup's meson.build; Debian 12 has 1.0.1, its backports 1.7.
meson_ok() { command -v meson >/dev/null && dpkg --compare-versions "$(meson --version)" ge 1.1; }
need_meson=0; [ $want_build = 1 ] && ! meson_ok && need_meson=1
# apt-get source needs deb-src entries (the libsrtp 2.5.0 source tarball comes from there).
has_deb_src() { grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; }
need_src=0; [ $want_build = 1 ] && ! has_deb_src && need_src=1

if [ ${#missing[@]} -eq 0 ] && [ $need_meson = 0 ] && [ $need_src = 0 ]; then exit 0; fi

# Reuse the mirror this machine already uses, so mirrors/snapshots keep working.
mirror="$(grep -rhsoE '^URIs: *[^ ]+' /etc/apt/sources.list.d/*.sources | head -1 | sed 's/^URIs: *//')"
[ -z "$mirror" ] && mirror="$(grep -hsoE '^deb +(\[[^]]*\] +)?[^ ]+' /etc/apt/sources.list | head -1 | awk '{print $NF}')"
if [ "$ID" = debian ]; then mirror="${mirror:-http://deb.debian.org/debian}"; else mirror="${mirror:-http://archive.ubuntu.com/ubuntu}"; fi
key=/usr/share/keyrings/debian-archive-keyring.gpg; [ "$ID" = ubuntu ] && key=/usr/share/keyrings/ubuntu-archive-keyring.gpg

if [ $need_src = 1 ]; then
  echo "install-system-deps: adding deb-src entries for $codename"
  printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
    "$mirror" "$codename" "$key" | "${SUDO[@]}" tee /etc/apt/sources.list.d/salon-deb-src.sources >/dev/null
fi
if [ $need_meson = 1 ] && [ "$ID" = debian ]; then
  echo "install-system-deps: adding $codename-backports for meson >= 1.1"
  printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\nSigned-By: %s\n' \
    "$mirror" "$codename" "$key" | "${SUDO[@]}" tee /etc/apt/sources.list.d/salon-backports.sources >/dev/null
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-system-deps: apt-get update"
"${SUDO[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-system-deps: installing ${missing[*]}"
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ $need_meson = 1 ]; then
  if [ "$ID" = debian ]; then
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends -t "$codename-backports" meson
  else
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends meson
  fi
  meson_ok || { echo "install-system-deps: meson >= 1.1 not available (have $(meson --version 2>/dev/null || echo none))" >&2; exit 1; }
fi
