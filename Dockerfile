# Multi-stage build: compile everything once, ship only the built apps and production dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG VITE_API_URL=http://localhost:3000
ENV NX_NO_CLOUD=true NX_DAEMON=false VITE_API_URL=$VITE_API_URL
RUN npx nx run-many -t build -p api sandbox checkout

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
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/api/main.js"]

FROM node:22-bookworm-slim AS sandbox
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/var/data
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/sandbox ./dist/apps/sandbox
COPY package.json ./
RUN mkdir -p /var/data && chown node:node /var/data
USER node
EXPOSE 4010 4020 4030
CMD ["node", "dist/apps/sandbox/main.js"]

FROM nginx:1.27-alpine AS checkout
COPY --from=build /app/dist/apps/checkout /usr/share/nginx/html
RUN printf 'server {\n  listen 4200;\n  root /usr/share/nginx/html;\n  location / { try_files $uri /index.html; }\n}\n' > /etc/nginx/conf.d/default.conf
EXPOSE 4200
