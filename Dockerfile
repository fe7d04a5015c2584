# Salon in two stages: a Debian 12 build stage that runs the project's own scripts (the same ones
# `npm start` uses), and a slim runtime with only the media worker's libraries and dist/salon.
# Keep in step with scripts/install-system-deps.sh, scripts/build-media-worker.sh and README.
# scripts/docker-check.sh builds, runs and stops it for real (on a locally made Debian 12 base:
# --build-arg BUILD_IMAGE=... RUNTIME_IMAGE=...).
ARG BUILD_IMAGE=debian:12
ARG RUNTIME_IMAGE=debian:12-slim

FROM ${BUILD_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies and the worker first, so code changes do not rebuild them (layer cache).
COPY package.json package-lock.json bunfig.toml ./
COPY scripts ./scripts
RUN npm run setup
COPY src ./src
COPY views ./views
COPY static ./static
RUN npm run build \
 && ./dist/salon --version

FROM ${RUNTIME_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
# Trimmed: no recommends, no documentation or man pages (as in debian:12-slim), no apt lists or caches.
# ffmpeg records and mixes rooms: a run-time dependency. fonts-dejavu-core: the share cards' font (read at run time).
RUN printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\n' \
      > /etc/dpkg/dpkg.cfg.d/salon-slim \
 && apt-get update \
 && apt-get install -y --no-install-recommends libabsl20220623 libuv1 libssl3 libusrsctp2 libstdc++6 ffmpeg fonts-dejavu-core ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
 && useradd --system --home /data --shell /usr/sbin/nologin salon \
 && mkdir -p /data && chown salon:salon /data
COPY --from=build /src/dist/salon /usr/local/bin/salon
USER salon
WORKDIR /data
# Production mode (the binary sets it too; here it also reaches the healthcheck and any shell).
# Not in the build stage: npm would then skip the devDependencies the build scripts use.
ENV NODE_ENV=production SALON_DATA_DIR=/data SALON_HOST=0.0.0.0 SALON_PORT=8080
VOLUME ["/data"]
# HTTP, then audio (UDP, TCP fallback); see README "Firewall".
EXPOSE 8080/tcp 40000-40015/udp 40000-40015/tcp
HEALTHCHECK --interval=30s --timeout=5s CMD ["/usr/local/bin/salon", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/salon"]
CMD ["serve"]
