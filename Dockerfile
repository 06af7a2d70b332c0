# syntax=docker/dockerfile:1
# Build: compile TypeScript and generate the Prisma clients, then drop dev dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Run: production dependencies, compiled code and migrations; no compiler, no sources.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# Production: set DATABASE_URL and SECRET_KEY. Without DATABASE_URL the embedded
# database keeps its files in /data (mount a volume there).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The same V8 flags as `npm start` (see README, Benchmarks: what each one buys).
CMD ["node", "--max-old-space-size=384", "--initial-old-space-size=128", "--liftoff-only", "dist/main.js"]
