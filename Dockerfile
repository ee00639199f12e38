# syntax=docker/dockerfile:1
# nemo-video-bot. Stages: build (npm ci + tsc) → prod-deps (npm ci --omit=dev) → app (shared base)
# → demo (target `demo`: + simulator + redis-server) → runtime (the default target: production).
#
#   docker build -t nemo-video-bot .                        production image (needs REDIS_URL)
#   docker build --target demo -t nemo-video-bot:demo .     offline demo: docker run -it nemo-video-bot:demo
#
#   docker run --env-file .env IMAGE                        start --role all (adapters + workers)
#   docker run --env-file .env IMAGE start --role gateway   adapters only (HTTP on PORT, default 3000)
#   docker run --env-file .env IMAGE start --role worker    workers only
#   docker run --env-file .env IMAGE doctor                 readiness report: exit 0 ready to chat, 1 a check
#                                                           failed, 3 backend ready but no chat platform
# The production image has no redis-server: set REDIS_URL (docker-compose.yml does). Configuration is
# environment variables: docs/configuration.md. Operations: docs/operations.md.

# Node 20 is the major the tests run on (package.json engines: >=20.18). Pinned for reproducible builds.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so this layer stays cached while package*.json are unchanged. npm ci installs
# exactly the lock file. --ignore-scripts: the root `prepare` script is the build, which needs the
# sources copied below; no dependency needs an install script (msgpackr-extract falls back to JS).
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# dist-runtime: the build without the simulator and the demo (the CLI loads them on demand).
RUN npm run build \
 && cp -a dist dist-runtime \
 && rm -rf dist-runtime/simulator dist-runtime/app/run-demo.*

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund --ignore-scripts

FROM ${NODE_IMAGE} AS app
# ADMIN_PORT: /metrics and /healthz of every process, on loopback inside the container (never EXPOSEd).
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    DATA_DIR=/data \
    PORT=3000 \
    ADMIN_PORT=9090
WORKDIR /app
# Owned by root, read-only for the `node` user that runs the bot; only DATA_DIR is writable.
RUN mkdir -p /data && chown node:node /data
COPY package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY scripts/healthcheck.mjs ./healthcheck.mjs
USER node
EXPOSE 3000
# /healthz on ADMIN_PORT, or on PORT when nothing listens there: 200 when the process reaches Redis.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["node", "healthcheck.mjs"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start"]

# Offline demo: the simulator and a private redis-server in one container.
FROM app AS demo
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/dist ./dist
USER node
HEALTHCHECK NONE
CMD ["demo"]

# Production (the default target, last): the bot without the simulator, the demo or redis-server.
FROM app AS runtime
COPY --from=build /app/dist-runtime ./dist
