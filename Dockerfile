# syntax=docker/dockerfile:1.7
# One image per Tonearm process (server, worker, web), built from the monorepo. Workspace packages
# are TypeScript sources run with tsx (server, worker) or compiled by Next (web).
# Build: docker build --target server -t tonearm-server .   (see docker-compose.yml, docs/OPERATIONS.md)

FROM node:24-bookworm-slim AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
RUN npm install --global pnpm@10.34.8
WORKDIR /app

FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY packages packages
RUN find packages -type f ! -name package.json -delete \
 && pnpm install --frozen-lockfile --prod=false

FROM deps AS source
COPY . .

FROM source AS web-build
RUN pnpm --filter @tonearm/web build

# --- runtime images ------------------------------------------------------------------------
FROM source AS server
ENV NODE_ENV=production SERVER_HOST=0.0.0.0 SERVER_PORT=18001
EXPOSE 18001
USER node
WORKDIR /app/apps/server
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:18001/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form: SIGTERM reaches node directly and starts the drain (apps/server/src/main.ts).
CMD ["node", "--import", "tsx", "src/main.ts"]

FROM source AS worker
ENV NODE_ENV=production SERVER_HOST=0.0.0.0 WORKER_METRICS_PORT=18003
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
EXPOSE 18003
USER node
WORKDIR /app/packages/workers
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:18003/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/main.ts"]

FROM web-build AS web
ENV NODE_ENV=production
EXPOSE 18002
USER node
WORKDIR /app/apps/web
CMD ["node_modules/.bin/next", "start", "-H", "0.0.0.0", "-p", "18002"]
