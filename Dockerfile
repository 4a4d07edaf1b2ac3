# One image for route and gateways (and the built web app). Build: docker build -t cim .
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps ./apps
COPY packages ./packages
COPY e2e/package.json ./e2e/package.json
COPY bench/package.json ./bench/package.json
RUN npm ci --no-audit --no-fund && (npm run build -w @cim/web || true)
ENV HOST=0.0.0.0 LOG_LEVEL=info
EXPOSE 8080 8091
# APP is route or gateway
CMD ["sh", "-c", "exec node --import tsx apps/${APP:-route}/src/index.ts"]
