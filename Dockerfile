# syntax=docker/dockerfile:1
# nemo-video-bot — one image for every role:
#   docker run -v bot-data:/data IMAGE        start --role all (adapters + workers); without REDIS_URL
#                                             it runs its own redis-server, data under /data/redis
#   docker run IMAGE start --role gateway     adapters only      (HTTP on PORT, default 3000)
#   docker run IMAGE start --role worker      workers only       (no HTTP server)
#   docker run IMAGE doctor                   readiness report, exit 1 when not ready
#   docker run -it IMAGE demo                 offline demo: simulator + private Redis + console chat
# Configuration is environment variables (docker run --env-file .env …); see README "Configuration".
# No HEALTHCHECK here: the worker role has no HTTP server. The gateway's /healthz can be probed per
# service (docker compose, Kubernetes) once it serves HTTP.

# Pin a major for reproducible builds, e.g. --build-arg NODE_IMAGE=node:22-slim.
ARG NODE_IMAGE=node:lts-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so this layer stays cached while package*.json are unchanged.
# `npm install`, not `npm ci`: some npm versions reject the npm 11-written lock; install honours it.
# --ignore-scripts: the root `prepare` script is the build, which needs the sources copied below; no
# dependency needs its own install script (msgpackr-extract ships prebuilt binaries, else falls back to JS).
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# redis-server for the embedded mode (REDIS_URL unset: `start` on its own, `demo`);
# --build-arg EMBEDDED_REDIS=false leaves it out when REDIS_URL is always set (docker compose).
ARG EMBEDDED_REDIS=true
RUN if [ "$EMBEDDED_REDIS" = "true" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends redis-server \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && mkdir -p /data \
 && chown node:node /data
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    DATA_DIR=/data \
    PORT=3000
WORKDIR /app
# Owned by root, read-only for the `node` user that runs the bot; only DATA_DIR is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start"]
