# One image for route and gateways (and the built web app). Build: docker build -t cim .
# Run: docker run -e APP=route|gateway -e CIM_TOKEN_SECRET=... cim   (see docker-compose.yml and .env.example)

# Stage 1: every dependency, then the production build (web app + server bundles). A failed build fails the image.
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY apps ./apps
COPY packages ./packages
COPY scripts ./scripts
COPY e2e/package.json ./e2e/package.json
COPY bench/package.json ./bench/package.json
RUN npm ci --no-audit --no-fund
RUN npm run build

# Stage 2: production dependencies and the build output only, as an unprivileged user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 LOG_LEVEL=info
WORKDIR /app
COPY package.json package-lock.json ./
# npm links every workspace: their manifests are enough (the servers' own code is bundled).
COPY --from=build /src/apps/route/package.json ./apps/route/package.json
COPY --from=build /src/apps/gateway/package.json ./apps/gateway/package.json
COPY --from=build /src/apps/web/package.json ./apps/web/package.json
COPY --from=build /src/apps/cli/package.json ./apps/cli/package.json
COPY --from=build /src/packages ./packages
COPY --from=build /src/e2e/package.json ./e2e/package.json
COPY --from=build /src/bench/package.json ./bench/package.json
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/apps/route/dist ./apps/route/dist
COPY --from=build /src/apps/gateway/dist ./apps/gateway/dist
COPY --from=build /src/apps/web/dist ./apps/web/dist
USER node
EXPOSE 8080 8091
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||(process.env.APP==='gateway'?8091:8080))+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# APP is route or gateway; SIGTERM reaches node directly (exec), which drains and exits.
CMD ["sh", "-c", "exec node apps/${APP:-route}/dist/index.js"]
