# perfgate serve in a container: Debian 12, the dashboard built into the binary,
# an unprivileged user, the database on a volume. Three stages: the dashboard
# (Node.js), perfgate and its .deb (Debian 12), and the runtime (the .deb only).
#   docker build -t perfgate .
#   docker run -d -p 127.0.0.1:8080:8080 -v perfgate-data:/var/lib/perfgate perfgate
# See docs/deploy.md.

# The dashboard, with a Node.js new enough for Vite (Debian 12's nodejs is 18).
FROM node:22-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM debian:12-slim AS build
ARG PERFGATE_COMMIT=unknown
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates g++ cmake ninja-build pkg-config dpkg-dev file \
      libsqlite3-dev libcpp-httplib-dev nlohmann-json3-dev libcli11-dev libexpected-dev libssl-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
COPY --from=web /web/dist /web-dist
# The built dashboard is embedded in the binary (cmake/PerfgateWeb.cmake).
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPERFGATE_WEB_DIST=/web-dist \
      -DPERFGATE_BUILD_TESTS=OFF -DPERFGATE_BUILD_BENCHES=OFF -DPERFGATE_COMMIT="${PERFGATE_COMMIT}" \
 && cmake --build /build --target perfgate perfgate_help_text \
 && cd /build && cpack -G DEB && mv perfgate_*.deb /perfgate.deb

FROM debian:12-slim
# The package's Depends (computed by dpkg-shlibdeps) bring exactly the runtime libraries.
COPY --from=build /perfgate.deb /tmp/perfgate.deb
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/perfgate.deb curl \
 && rm -rf /var/lib/apt/lists/* /tmp/perfgate.deb \
 && useradd --system --create-home --home-dir /var/lib/perfgate --shell /usr/sbin/nologin perfgate
USER perfgate
WORKDIR /var/lib/perfgate
VOLUME /var/lib/perfgate
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["perfgate"]
CMD ["serve", "--db", "/var/lib/perfgate/perfgate.db", "--host", "0.0.0.0", "--port", "8080"]
