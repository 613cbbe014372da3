// Starting the server: the composition root's services, the bootstrap treasurer, listen.
import type { Server } from "node:http";
import type { Config } from "./config.js";
import type { Clock } from "./shared/clock.js";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import { buildDeps } from "./deps.js";
import type { Db } from "./db/client.js";
import { bootstrapTreasurer } from "./accounts/bootstrap-treasurer.js";
import { makeCheckpoint } from "./books/make-checkpoint.js";
import { startIdleCollector } from "./idle-collector.js";

export interface Running {
  server: Server;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<Running> {
  const built = await buildDeps(config, options);
  const { deps } = built;
  const outcome = await bootstrapTreasurer(
    deps.db,
    { email: config.BOOTSTRAP_TREASURER_EMAIL, password: config.BOOTSTRAP_TREASURER_PASSWORD, token: config.BOOTSTRAP_TREASURER_TOKEN },
    { clock: deps.clock },
  );
  if (outcome === "created") deps.logger.info({ email: config.BOOTSTRAP_TREASURER_EMAIL }, "bootstrap treasurer created");
  if (outcome === "not_configured")
    deps.logger.warn("no treasurer exists; set BOOTSTRAP_TREASURER_EMAIL, _PASSWORD and _TOKEN to create one");
  const app = createApp(deps);
  // Express 5 hands a failed listen (the port taken, an address not ours) to this callback.
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, (error?: Error) => (error ? reject(error) : resolve(s)));
  }).catch(async (error: unknown) => {
    await built.close().catch(() => undefined); // the listen error is the one to report
    throw error;
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${port}`;
  deps.logger.info({ url, engine: built.database.engine }, "reciprocity listening");
  // Checkpoints are signed outside the transactions that append facts: here, on a timer.
  const checkpointTimer =
    config.BOOKS_CHECKPOINT_SECONDS > 0
      ? setInterval(() => {
          makeCheckpoint(deps.db, deps.books, deps).catch((error: unknown) => deps.logger.error({ err: error }, "checkpoint failed"));
        }, config.BOOKS_CHECKPOINT_SECONDS * 1000)
      : undefined;
  checkpointTimer?.unref();
  // A batch job's heap (a billing run, a large check) is given back once the server is idle.
  const stopIdleCollector = startIdleCollector(undefined, undefined, (before, after) =>
    deps.logger.info({ heapBefore: before, heapAfter: after }, "idle collection"),
  );
  return {
    server,
    db: deps.db,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(checkpointTimer);
        stopIdleCollector();
        server.close(() => {
          void built.close().then(resolve);
        });
        server.closeAllConnections();
      }),
  };
}
