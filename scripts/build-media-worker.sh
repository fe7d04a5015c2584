#!/usr/bin/env bash
# Builds mediasoup's C++ worker from node_modules/mediasoup/worker without any download outside
# npm and Debian, and caches it outside the clone keyed by mediasoup version and build inputs.
# Prints the worker's path on the last line of stdout.
#
# Why this way (see ../shared/DESIGN.md): mediasoup's postinstall downloads a prebuilt worker or
# meson wraps from the internet. Instead each wrapped dependency folder gets a tiny meson.build that
# wraps Debian's library, except libsrtp: Debian's libsrtp2 is built against NSS and costs ~3x CPU
# per packet, so we build libsrtp 2.5.0 from Debian's source tarball with OpenSSL, as upstream does.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
ms_dir="$root/node_modules/mediasoup"
[ -f "$ms_dir/package.json" ] || { echo "build-media-worker: $ms_dir missing; run npm install first" >&2; exit 1; }
ms_version="$(sed -n 's/^[[:space:]]*"version": *"\([^"]*\)".*/\1/p' "$ms_dir/package.json" | head -1)"

libsrtp_sha256=8a43ef8e9ae2b665292591af62aa1a4ae41e468b6d98d8258f91478735da4e09
lib_versions="$(dpkg-query -W -f='${Package}=${Version};' libabsl-dev libuv1-dev libssl-dev libusrsctp-dev nlohmann-json3-dev 2>/dev/null || true)"
inputs_hash="$( { cat "$0"; echo "$lib_versions"; uname -m; } | sha256sum | cut -c1-16)"
cache_root="${SALON_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/salon}"
out_dir="$cache_root/mediasoup-worker/$ms_version-$inputs_hash"
worker_bin="$out_dir/mediasoup-worker"

if [ -x "$worker_bin" ]; then echo "$worker_bin"; exit 0; fi

log() { echo "build-media-worker: $*" >&2; }
log "building mediasoup $ms_version worker (about 5 minutes on 2 cores) into $out_dir"
work="$cache_root/mediasoup-worker/tmp-$$"
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cp -r "$ms_dir/worker" "$work/worker"
sub="$work/worker/subprojects"

# --- libsrtp 2.5.0: Debian's orig tarball has exactly the sha256 mediasoup's wrap expects.
srtp_cache="$cache_root/sources/libsrtp-2.5.0.tar.gz"
if [ ! -f "$srtp_cache" ] || [ "$(sha256sum < "$srtp_cache" | cut -d' ' -f1)" != "$libsrtp_sha256" ]; then
  log "fetching libsrtp2 2.5.0 source from Debian (apt-get source)"
  mkdir -p "$work/src" "$(dirname "$srtp_cache")"
  (cd "$work/src" && apt-get source --download-only -qq libsrtp2 >&2)
  tarball="$(ls "$work"/src/libsrtp2_2.5.0.orig.tar.* 2>/dev/null | head -1 || true)"
  [ -n "$tarball" ] || { log "no libsrtp2_2.5.0.orig tarball from apt-get source (deb-src entries missing? run scripts/install-system-deps.sh)"; exit 1; }
  got="$(sha256sum < "$tarball" | cut -d' ' -f1)"
  [ "$got" = "$libsrtp_sha256" ] || { log "libsrtp tarball sha256 $got, expected $libsrtp_sha256"; exit 1; }
  cp "$tarball" "$srtp_cache"
fi
mkdir -p "$sub/packagecache"
cp "$srtp_cache" "$sub/packagecache/libsrtp-2.5.0.tar.gz"

# --- stub subprojects: each folder named by a wrap's `directory =` wraps a system library.
wrap_dir() { sed -n 's/^directory *= *//p' "$sub/$1.wrap"; }
stub() { # stub <wrap-name> <meson.build body> [meson_options.txt body]
  local d="$sub/$(wrap_dir "$1")"; mkdir -p "$d"
  printf '%s\n' "$2" > "$d/meson.build"
  printf 'int salon_stub_%s;\n' "${1//-/_}" > "$d/stub.c"
  [ -n "${3:-}" ] && printf '%s\n' "$3" > "$d/meson_options.txt"
  return 0
}
# mediasoup's link_whole list wants static library targets: an empty one stands in (it only
# feeds libmediasoup-worker, which is not built); the real libraries link through the *_dep.
stub openssl "project('openssl', 'c')
libcrypto_dep = dependency('libcrypto')
libssl_dep = dependency('libssl')
openssl_dep = dependency('openssl')
libcrypto_lib = static_library('stub_crypto', 'stub.c')
libssl_lib = static_library('stub_ssl', 'stub.c')"
stub nlohmann_json "project('nlohmann_json', 'c')
nlohmann_json_dep = dependency('nlohmann_json')"
stub libuv "project('libuv', 'c')
libuv_dep = dependency('libuv')
libuv = static_library('stub_uv', 'stub.c')" "option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)"
stub usrsctp "project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('stub_usrsctp', 'stub.c')" "option('sctp_build_programs', type: 'boolean', value: false)"
stub abseil-cpp "project('abseil-cpp', 'c')
absl_container_dep = declare_dependency(dependencies: [dependency('absl_flat_hash_map'),
  dependency('absl_flat_hash_set'), dependency('absl_inlined_vector')])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = dependency('absl_optional')
absl_container_lib = static_library('stub_absl', 'stub.c')"
stub catch2 "project('catch2', 'c')
catch2_dep = declare_dependency()"

cd "$work/worker"
log "meson setup"
meson setup build --buildtype=release --wrap-mode=nodownload -Db_ndebug=true >"$work/meson.log" 2>&1 \
  || { tail -40 "$work/meson.log" >&2; exit 1; }
log "compiling"
ninja -C build -j "$(nproc)" mediasoup-worker >"$work/ninja.log" 2>&1 || { tail -40 "$work/ninja.log" >&2; exit 1; }

if ldd build/mediasoup-worker | grep -Eq 'libnss3|libsrtp2\.so'; then
  log "refusing: the worker links libnss3 or the system libsrtp2"; ldd build/mediasoup-worker >&2; exit 1
fi
strip build/mediasoup-worker
mkdir -p "$out_dir"
cp build/mediasoup-worker "$worker_bin.tmp" && mv "$worker_bin.tmp" "$worker_bin"
log "done: $worker_bin"
echo "$worker_bin"
