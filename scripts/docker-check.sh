#!/usr/bin/env bash
# Checks the Dockerfile for real, without a registry: makes a Debian 12 base image locally
# (debootstrap from this machine's apt mirror + `docker import`), builds the image on it, runs it,
# waits for /healthz and a healthy HEALTHCHECK, stops it, and checks the stop was clean.
# Run by hand (as root) after changing the Dockerfile or the set-up scripts; not part of `npm test`
# (about 5-10 minutes, most of it the media worker build).
#
#   scripts/docker-check.sh [--rebuild-base] [--keep] [--systemd]
#     --rebuild-base  make the base image again even when salon-debian:12 exists
#     --keep          leave the test container and its volume behind (for a look with docker logs)
#     --systemd       also run the image's binary as a systemd service: systemd as PID 1 in a container,
#                     the unit from `salon print-systemd-unit`, /healthz, a port below 1024 through the
#                     capability, restart after a crash, clean stop (needs a daemon that allows it)
#
# Environment: SALON_CHECK_PORT (HTTP port on the host network, default 18080), SALON_CHECK_TAG
# (image tag, default salon:check), SALON_BASE_TAG (default salon-debian:12).
# Starts dockerd (storage overlay2, no bridge or iptables: builds and runs use the host network)
# when `docker info` fails, and says so; installs docker.io and debootstrap through apt when missing.
set -Eeuo pipefail

say() { echo "docker-check: $*"; }
die() { echo "docker-check: FAILED: $*" >&2; exit 1; }
root="$(cd "$(dirname "$0")/.." && pwd)"
base_tag="${SALON_BASE_TAG:-salon-debian:12}"
image_tag="${SALON_CHECK_TAG:-salon:check}"
port="${SALON_CHECK_PORT:-18080}"
name="salon-check-$$"
rebuild_base=0 keep=0 with_systemd=0
for arg in "$@"; do
  case "$arg" in
    --rebuild-base) rebuild_base=1 ;;
    --keep) keep=1 ;;
    --systemd) with_systemd=1 ;;
    *) echo "docker-check: unknown argument '$arg' (expected --rebuild-base, --keep, --systemd)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot and dockerd need it)"

declare -a timings=()
started_all=$SECONDS
step_start=$SECONDS
timed() { timings+=("$(printf '%-28s %4ds' "$1" $((SECONDS - step_start)))"); step_start=$SECONDS; }

# --- Tools and the daemon ---
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} through apt"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  say "no Docker daemon answers: starting dockerd (log: /tmp/salon-dockerd.log)"
  nohup dockerd --storage-driver=overlay2 --iptables=false --bridge=none >/tmp/salon-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || die "dockerd did not start; see /tmp/salon-dockerd.log"
fi
say "Docker $(docker version --format '{{.Server.Version}}')"
timed "docker daemon ready"

# --- Base image: Debian 12 from this machine's mirror, with its extra CA certificates ---
mirror_of_host() {
  local uri
  uri=$(grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
  [ -n "$uri" ] || uri=$(grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -E 's/\[[^]]*\]//' | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}
if [ $rebuild_base = 1 ] || ! docker image inspect "$base_tag" >/dev/null 2>&1; then
  mirror=$(mirror_of_host)
  rootfs=$(mktemp -d /tmp/salon-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  say "debootstrap bookworm from $mirror into $rootfs"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >/tmp/salon-debootstrap.log 2>&1 ||
    die "debootstrap failed; see /tmp/salon-debootstrap.log"
  # The same suites as the official image (bookworm, -updates, -security), on the host's mirror.
  security="${mirror%/debian}/debian-security"
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  extra_cas=(/usr/local/share/ca-certificates/*.crt)
  if [ -e "${extra_cas[0]}" ]; then
    say "adding this machine's CA certificates: ${extra_cas[*]##*/}"
    cp "${extra_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["bash"]' - "$base_tag" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  say "base image $base_tag made"
  timed "base image (debootstrap)"
else
  say "base image $base_tag already there (--rebuild-base to make it again)"
  timed "base image (cached)"
fi

# --- Build ---
say "building $image_tag (log: /tmp/salon-docker-build.log)"
if ! docker build --network host \
  --build-arg BUILD_IMAGE="$base_tag" --build-arg RUNTIME_IMAGE="$base_tag" \
  -t "$image_tag" "$root" >/tmp/salon-docker-build.log 2>&1; then
  tail -n 40 /tmp/salon-docker-build.log >&2
  die "docker build failed; see /tmp/salon-docker-build.log"
fi
size=$(docker image inspect "$image_tag" --format '{{.Size}}')
timed "docker build"

# --- Run: /healthz, then the HEALTHCHECK ---
cleanup() {
  [ $keep = 1 ] && { say "kept container $name and volume $name"; return; }
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker volume rm "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# Host network (the daemon runs without a bridge here); a free-ish port, one worker, random media port.
# A short health interval so the check turns healthy within seconds instead of the image's 30 s.
docker run -d --name "$name" --network host -v "$name":/data \
  -e SALON_PORT="$port" -e SALON_HOST=127.0.0.1 -e SALON_WORKERS=1 -e SALON_WEB_RTC_PORT=0 \
  --health-interval 2s --health-start-period 30s \
  "$image_tag" >/dev/null || die "docker run failed"
ok=0
for _ in $(seq 1 120); do
  if body=$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null); then ok=1; break; fi
  [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || break
  sleep 0.5
done
[ $ok = 1 ] || { docker logs "$name" >&2 || true; die "/healthz did not answer on port $port"; }
say "/healthz: $body"
echo "$body" | grep -q '"status":"ok"' || die "/healthz is not ok"
timed "start → /healthz ok"
health=""
for _ in $(seq 1 60); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$name")
  [ "$health" = healthy ] && break
  [ "$health" = unhealthy ] && break
  sleep 1
done
[ "$health" = healthy ] || { docker inspect -f '{{json .State.Health}}' "$name" >&2; die "HEALTHCHECK is $health"; }
say "HEALTHCHECK: healthy"
timed "HEALTHCHECK healthy"

# --- Clean stop: SIGTERM, exit 0 well within docker's 10 s, "stopped cleanly" in the log ---
docker stop -t 10 "$name" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
logs=$(docker logs "$name" 2>&1)
[ "$code" = 0 ] || { echo "$logs" | tail -n 20 >&2; die "exit code $code after docker stop (137 = killed after the timeout)"; }
echo "$logs" | grep -q 'stopped cleanly' || { echo "$logs" | tail -n 20 >&2; die "no 'stopped cleanly' in the log"; }
say "docker stop: exit 0, stopped cleanly"
timed "docker stop"

# --- Optional: the same binary as a hardened systemd service ---
if [ $with_systemd = 1 ]; then
  sd_tag="${base_tag%%:*}-systemd:${base_tag##*:}"
  sd_name="salon-check-systemd-$$"
  cleanup_systemd() { docker rm -f "$sd_name" >/dev/null 2>&1 || true; cleanup; }
  trap cleanup_systemd EXIT
  if ! docker image inspect "$sd_tag" >/dev/null 2>&1; then
    say "making $sd_tag (the base with systemd and the runtime libraries)"
    docker rm -f "$sd_name-prep" >/dev/null 2>&1 || true
    docker run --name "$sd_name-prep" --network host "$base_tag" bash -c 'apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd systemd-sysv curl \
        libabsl20220623 libuv1 libssl3 libusrsctp2 libstdc++6 ffmpeg >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*' ||
      die "could not install systemd in $base_tag"
    docker commit --change 'CMD ["/lib/systemd/systemd"]' "$sd_name-prep" "$sd_tag" >/dev/null
    docker rm "$sd_name-prep" >/dev/null
  fi
  # systemd as PID 1 needs the cgroup tree and most capabilities: all those this machine grants.
  caps=(--privileged)
  if ! docker run --rm "${caps[@]}" "$sd_tag" true >/dev/null 2>&1; then
    caps=(--cap-add ALL --security-opt seccomp=unconfined --security-opt apparmor=unconfined --device-cgroup-rule 'a *:* rwm')
    bounding=$((16#$(awk '/^CapBnd/ {print $2}' /proc/self/status)))
    for bit in $(seq 0 40); do
      if [ $(((bounding >> bit) & 1)) = 0 ]; then
        cap=$(capsh --decode=$(printf '%x' $((1 << bit))) 2>/dev/null | sed 's/.*=cap_//') || true
        [ -n "$cap" ] && caps+=(--cap-drop "${cap^^}")
      fi
    done
  fi
  docker run -d --name "$sd_name" "${caps[@]}" --network host --cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
    --tmpfs /run --tmpfs /run/lock "$sd_tag" >/dev/null || die "systemd container did not start"
  box=$(docker create "$image_tag")
  docker cp "$box":/usr/local/bin/salon /tmp/salon-check-bin && docker rm "$box" >/dev/null
  docker cp /tmp/salon-check-bin "$sd_name":/usr/local/bin/salon && rm -f /tmp/salon-check-bin
  sd_port=$((port + 1))
  docker exec -e SD_PORT="$sd_port" "$sd_name" bash -c '
    set -e
    for _ in $(seq 1 30); do state=$(systemctl is-system-running || true); case $state in running|degraded) break ;; esac; sleep 0.5; done
    useradd --system --home-dir /var/lib/salon --shell /usr/sbin/nologin salon
    unit=/etc/systemd/system/salon.service
    healthz() { for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$1/healthz" 2>/dev/null && return 0; sleep 0.5; done; return 1; }
    salon print-systemd-unit --data-dir /var/lib/salon --host 127.0.0.1 --port "$SD_PORT" --workers 1 --web-rtc-port 0 >$unit
    systemd-analyze verify $unit
    systemctl daemon-reload && systemctl start salon
    body=$(healthz "$SD_PORT"); echo "service /healthz: $body"
    pid=$(systemctl show salon -p MainPID --value)
    grep -q "^NoNewPrivs:\s*1" /proc/$pid/status && grep -q "^CapEff:\s*0*$" /proc/$pid/status
    kill -9 "$pid"; sleep 6
    [ "$(systemctl show salon -p NRestarts --value)" = 1 ] || { echo "no restart after a crash"; exit 1; }
    body=$(healthz "$SD_PORT"); echo "restarted after kill -9: $body"
    systemctl stop salon
    [ "$(systemctl show salon -p Result --value)" = success ] && journalctl -u salon --no-pager | grep -q "stopped cleanly"
    salon print-systemd-unit --data-dir /var/lib/salon --host 127.0.0.1 --port 81 --workers 1 --web-rtc-port 0 >$unit
    grep -q "^AmbientCapabilities=CAP_NET_BIND_SERVICE$" $unit
    systemctl daemon-reload && systemctl start salon
    body=$(healthz 81); echo "port 81 through CAP_NET_BIND_SERVICE: $body"
    systemctl stop salon
  ' || { docker exec "$sd_name" journalctl -u salon --no-pager 2>/dev/null | tail -n 20 >&2; die "the systemd service check failed"; }
  say "systemd: unit verified, service healthy, hardened (no capabilities, NoNewPrivs), restarted after a crash, stopped cleanly, port 81 bound through the capability"
  timed "systemd service"
fi

echo
say "PASSED: $image_tag ($((size / 1000000)) MB) builds, serves /healthz, turns healthy and stops cleanly"
printf '  %s\n' "${timings[@]}"
printf '  %-28s %4ds\n' total $((SECONDS - started_all))
