# One image for the hrhooks gateway and worker (the command picks the role). Built in two stages:
# compile to dist/ (tsc + the prebuilt workflow bundle) with the dev tools, then run compiled JS only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh scripts/bundleWorkflows.ts ./scripts/
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY migrations ./migrations
RUN bash scripts/build.sh --force

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY bin ./bin
USER node
EXPOSE 3000
ENTRYPOINT ["node", "dist/src/interfaces/cli/main.js"]
CMD ["gateway"]
