// The composition root: everything the server, the CLI and the tests share, built in one place.
// Nothing in the features imports this module's functions; route and page modules take `AppDeps`.
import { pino, type Logger } from "pino";
import type { Config } from "./config.js";
import { openDatabase, type Database, type Db } from "./db/client.js";
import { systemClock, type Clock } from "./shared/clock.js";
import { GitHub } from "./github/github-client.js";
import { signerFromConfig, type Signer } from "./grants/signing-key.js";
import { NpmRegistry } from "./works/npm-registry.js";
import { booksLogFrom, booksOrigin, type BooksLog } from "./books/log-key.js";
import { createMailer, type Mailer } from "./mail/mailer.js";

export interface AppDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  github: GitHub;
  /** The npm registry, for package-ownership proof. */
  npm: NpmRegistry;
  signer: Signer;
  /** The transparency log's settings and its own signing key. */
  books: BooksLog;
  mailer: Mailer;
}

export function npmRegistryFromConfig(config: Config): NpmRegistry {
  return new NpmRegistry({ baseUrl: config.NPM_REGISTRY_URL, timeoutMs: config.GITHUB_TIMEOUT_MS });
}

export interface Built {
  deps: AppDeps;
  database: Database;
  close(): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.LOG_LEVEL, redact: ["req.headers.authorization", "req.headers.cookie", "githubToken"] });
}

/** The transparency log's settings from the configuration, its key derived from the signing key. */
export function booksLogFor(config: Config, signer: Signer): BooksLog {
  return booksLogFrom(signer, {
    origin: config.BOOKS_ORIGIN ?? booksOrigin(config.PUBLIC_URL),
    publicEntries: config.BOOKS_PUBLIC_ENTRIES,
  });
}

/** Opens the database (migrating it) and builds every shared service from the configuration. */
export async function buildDeps(
  config: Config,
  overrides: { clock?: Clock; logger?: Logger; github?: GitHub; migrate?: boolean; mailer?: Mailer } = {},
): Promise<Built> {
  const database = await openDatabase({ url: config.DATABASE_URL, path: config.DATABASE_PATH }, { migrate: overrides.migrate });
  const github =
    overrides.github ?? new GitHub({ baseUrl: config.GITHUB_API_URL, timeoutMs: config.GITHUB_TIMEOUT_MS, retries: config.GITHUB_RETRIES });
  const signer = signerFromConfig(config);
  const logger = overrides.logger ?? createLogger(config);
  const deps: AppDeps = {
    db: database.db,
    config,
    clock: overrides.clock ?? systemClock,
    logger,
    github,
    npm: npmRegistryFromConfig(config),
    signer,
    books: booksLogFor(config, signer),
    mailer: overrides.mailer ?? createMailer(config, logger),
  };
  return { deps, database, close: () => database.close() };
}
