// Starting the server: configuration, database, bootstrap, listen.
import type { Server } from "node:http";
import { pino, type Logger } from "pino";
import type { Config } from "./config.js";
import { closeDatabase, openDatabase, type Db } from "./db/client.js";
import { systemClock, type Clock } from "./shared/clock.js";
import { createApp } from "./app.js";
import { bootstrapTreasurer } from "./accounts/bootstrap-treasurer.js";
import { GitHub } from "./github/github-client.js";
import { loadOrCreateSigner } from "./grants/signing-key.js";

export interface Running {
  server: Server;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.LOG_LEVEL, redact: ["req.headers.authorization", "req.headers.cookie", "githubToken"] });
}

export async function startServer(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<Running> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);
  const db = openDatabase(config.DATABASE_PATH);
  const outcome = await bootstrapTreasurer(
    db,
    { email: config.BOOTSTRAP_TREASURER_EMAIL, password: config.BOOTSTRAP_TREASURER_PASSWORD, token: config.BOOTSTRAP_TREASURER_TOKEN },
    { clock },
  );
  if (outcome === "created") logger.info({ email: config.BOOTSTRAP_TREASURER_EMAIL }, "bootstrap treasurer created");
  if (outcome === "not_configured") logger.warn("no treasurer exists; set BOOTSTRAP_TREASURER_EMAIL, _PASSWORD and _TOKEN to create one");
  const github = new GitHub({ baseUrl: config.GITHUB_API_URL, timeoutMs: config.GITHUB_TIMEOUT_MS, retries: config.GITHUB_RETRIES });
  const signer = loadOrCreateSigner(config.SIGNING_KEY_PATH);
  const app = createApp({ db, config, clock, logger, github, signer });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${port}`;
  logger.info({ url, database: config.DATABASE_PATH }, "reciprocity listening");
  return {
    server,
    db,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          closeDatabase(db);
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
