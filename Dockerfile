# Salon in two stages: a Debian 12 build stage that runs the project's own scripts (the same ones
# `npm start` uses), and a slim runtime with only the media worker's libraries and dist/salon.
# Keep in step with scripts/install-system-deps.sh, scripts/build-media-worker.sh and README.

FROM debian:12 AS build
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

FROM debian:12-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends libabsl20220623 libuv1 libssl3 libusrsctp2 libstdc++6 ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
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
