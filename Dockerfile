# WaterTrek API server.
#   docker build -t watertrek .
#   docker run -p 8080:8080 -v watertrek-data:/app/data watertrek      (SQLite in the volume)
# Configuration is by environment variables; see README.md.

FROM rust:1-bookworm AS builder
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpq-dev libsqlite3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Migrations are embedded at compile time, so the whole workspace (minus .dockerignore) is needed.
COPY . .
RUN cargo build --release -p api-server --locked \
 && install -m 0755 target/release/api-server /usr/local/bin/api-server

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpq5 libsqlite3-0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 watertrek \
 && useradd --system --uid 10001 --gid watertrek --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin watertrek \
 && mkdir -p /app/data \
 && chown watertrek:watertrek /app/data
COPY --from=builder /usr/local/bin/api-server /usr/local/bin/api-server
WORKDIR /app
USER watertrek
# The default SQLite database is ./data/watertrek.db, i.e. /app/data/watertrek.db.
VOLUME /app/data
ENV BIND_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/api-server"]
CMD ["serve"]
