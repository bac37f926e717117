# Multi-stage build: compile everything once, ship only the built apps and production dependencies.
# Targets: `api` (the API; APP_ROLE=web|worker|all picks what the process runs), `sandbox` (the emulators),
# `checkout` (the checkout and ops page, static, behind nginx with the page's security headers).
# docker-compose.yml runs the whole stack; README.md, "Run with Docker".
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# .dockerignore keeps node_modules, dist, data and .env out of the context.
COPY . .
# The checkout's API URL is compiled in, and so is its Content-Security-Policy (security-headers.json, written
# by the build from the same variables: apps/checkout/security-headers.mjs). CHECKOUT_SANDBOX_ORIGINS: where
# the sandbox card fields tokenize when the Braintree emulator is not on loopback (compose: the sandbox).
ARG VITE_API_URL=http://localhost:3000
ARG INTEGRATION_MODE=sandbox
ARG BRAINTREE_ENVIRONMENT=
ARG CHECKOUT_3DS=off
ARG CHECKOUT_SANDBOX_ORIGINS=
ENV NX_NO_CLOUD=true NX_DAEMON=false VITE_API_URL=$VITE_API_URL INTEGRATION_MODE=$INTEGRATION_MODE \
    BRAINTREE_ENVIRONMENT=$BRAINTREE_ENVIRONMENT CHECKOUT_3DS=$CHECKOUT_3DS \
    CHECKOUT_SANDBOX_ORIGINS=$CHECKOUT_SANDBOX_ORIGINS
RUN npx nx run-many -t build -p api sandbox checkout \
 && node tools/checkout-nginx-conf.mjs dist/apps/checkout/security-headers.json > dist/checkout-nginx.conf

FROM node:22-bookworm-slim AS prod-deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS api
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/var/data PORT=3000
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/api ./dist/apps/api
COPY package.json ./
RUN mkdir -p /var/data && chown node:node /var/data
USER node
EXPOSE 3000
# A worker (APP_ROLE=worker) serves /health/ready on PORT too, so the same check fits both roles.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/api/main.js"]

FROM node:22-bookworm-slim AS sandbox
WORKDIR /app
# Bound to every interface: the API reaches it by service name (http://sandbox:4010…).
ENV NODE_ENV=production DATA_DIR=/var/data SANDBOX_HOST=0.0.0.0
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/sandbox ./dist/apps/sandbox
COPY package.json ./
RUN mkdir -p /var/data && chown node:node /var/data
USER node
EXPOSE 4010 4020 4030
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s CMD node -e "fetch('http://127.0.0.1:4030/__sandbox/clock').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/sandbox/main.js"]

FROM nginx:1.27-alpine AS checkout
COPY --from=build /app/dist/apps/checkout /usr/share/nginx/html
COPY --from=build /app/dist/checkout-nginx.conf /etc/nginx/conf.d/default.conf
EXPOSE 4200
HEALTHCHECK --interval=15s --timeout=3s CMD wget -q -O /dev/null http://127.0.0.1:4200/ || exit 1
