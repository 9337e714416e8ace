# One image for the hrhooks gateway and worker (the command picks the role).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY migrations ./migrations
USER node
EXPOSE 3000
ENTRYPOINT ["node", "--import", "tsx", "src/cli/main.ts"]
CMD ["gateway"]
