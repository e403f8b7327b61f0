# kfbot's container image: Debian 13 (trixie), whose nodejs is 20.19, and the compiled kfbot.
#
#   docker compose up                      # with deploy/compose.yaml's kfbot × 3 + Redis
#   npm run test:image                     # builds it with podman and smoke-tests it (docs/going-live.md)
#
# BASE defaults to the trixie base `npm run test:image` makes with mmdebstrap + `podman import`
# (for machines that cannot pull from a registry). Where a registry is reachable:
#   docker build --build-arg BASE=docker.io/library/debian:trixie-slim -t kfbot .
ARG BASE=localhost/kfbot-debian:trixie

FROM ${BASE} AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm libnode-dev python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# better-sqlite3 is compiled here against Debian's Node headers (no prebuilt binary downloaded).
ENV npm_config_build_from_source=true npm_config_nodedir=/usr
# Behind a TLS-intercepting proxy, npm needs its CA: pass a file mounted into the build, e.g.
#   podman build -v /etc/ssl/certs/ca-certificates.crt:/run/build-ca.crt:ro --build-arg npm_config_cafile=/run/build-ca.crt
# (scripts/test-image.sh does when the build machine's npm has a cafile). Not kept in the image.
ARG npm_config_cafile
# --ignore-scripts: `prepare` would build before the sources are copied; only better-sqlite3's
# install script is needed, and `npm rebuild` runs it.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY bin bin
COPY scripts scripts
COPY src src
COPY rules rules
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs ca-certificates tzdata passwd \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/kfbot --create-home --shell /usr/sbin/nologin kfbot
WORKDIR /opt/kfbot
COPY --from=build /src/package.json ./
COPY --from=build /src/bin bin
COPY --from=build /src/dist dist
COPY --from=build /src/node_modules node_modules
# The shipped example rules; mount your own over /etc/kfbot/rules.
COPY --from=build /src/rules /etc/kfbot/rules
ENV NODE_ENV=production \
    KFBOT_RULES=/etc/kfbot/rules \
    KFBOT_HOST=0.0.0.0 \
    KFBOT_PORT=8080 \
    KFBOT_STORE=sqlite:/var/lib/kfbot/kfbot.db \
    TZ=Asia/Shanghai
USER kfbot
WORKDIR /var/lib/kfbot
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.KFBOT_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/opt/kfbot/bin/kfbot.js"]
CMD ["serve"]
