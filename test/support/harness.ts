// The test harness: a real database of the project's engine (a SQLite file copied from the migrated base,
// or a PostgreSQL database created from the migrated template), the real express app, a clock the test
// controls, and helpers that create records through the domain commands.
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { randomBytes, scrypt } from "node:crypto";
import { inject } from "vitest";
import { pino } from "pino";
import pg from "pg";
import request from "supertest";
import { sql } from "drizzle-orm";
import type { Express } from "express";
import { createApp } from "../../src/app.js";
import { booksLogFor, npmRegistryFromConfig, type AppDeps } from "../../src/deps.js";
import { testConfig, type Config } from "../../src/config.js";
import { engineOf, openDatabase, type Database, type Db, type Engine } from "../../src/db/client.js";
import { queryRows, toInt } from "../../src/db/sql.js";
import type { Clock } from "../../src/shared/clock.js";
import { createUser } from "../../src/accounts/create-user.js";
import { createApiToken } from "../../src/accounts/tokens.js";
import { GitHub } from "../../src/github/github-client.js";
import { signerFromConfig } from "../../src/grants/signing-key.js";
import { createMailer } from "../../src/mail/mailer.js";

export class TestClock implements Clock {
  constructor(private current: Date = new Date("2026-03-15T10:00:00Z")) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export const testEngine = (): Engine => inject("engine");

/** PostgreSQL: the admin URL of this worker's server (global-setup.ts starts one per worker). */
export function pgAdminUrl(): string {
  const urls = inject("pgAdminUrls");
  const worker = Number(process.env.VITEST_POOL_ID ?? "1");
  return urls[(worker - 1) % urls.length]!;
}

export function tempDir(): string {
  return mkdtempSync(join(inject("tmpRoot"), "t-"));
}

export interface DatabaseSettings {
  DATABASE_PATH: string;
  DATABASE_URL?: string;
}

/**
 * A fresh, migrated database of the project's engine, as the settings a server process would be given:
 * `{ DATABASE_PATH }` for SQLite, `{ DATABASE_URL }` for PostgreSQL. With `from` (a closed database's settings),
 * a copy of that database instead of the empty migrated one: a file seeded once serves several tests.
 */
export async function freshDatabaseSettings(from?: DatabaseSettings): Promise<DatabaseSettings> {
  const path = join(tempDir(), "test.sqlite");
  if (testEngine() === "sqlite") {
    const source = from?.DATABASE_PATH ?? inject("baseDbPath");
    copyFileSync(source, path);
    if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${path}-wal`);
    return { DATABASE_PATH: path };
  }
  const template = from?.DATABASE_URL ? new URL(from.DATABASE_URL).pathname.slice(1) : inject("pgTemplate");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl() });
  await admin.connect();
  try {
    // Copying a template needs it to be idle: another copy may hold it for a moment.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        break;
      } catch (error) {
        if (attempt >= 50 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(pgAdminUrl());
  url.pathname = `/${name}`;
  return { DATABASE_PATH: path, DATABASE_URL: url.href };
}

/** A fresh database of the project's engine, opened (its migrations are already applied). */
export async function freshDatabase(): Promise<Database> {
  const settings = await freshDatabaseSettings();
  return openDatabase({ url: settings.DATABASE_URL, path: settings.DATABASE_PATH });
}

export interface Harness {
  app: Express;
  db: Db;
  database: Database;
  clock: TestClock;
  config: Config;
  deps: AppDeps;
  close(): Promise<void>;
}

export async function makeHarness(overrides: Partial<Config> = {}): Promise<Harness> {
  const dir = tempDir();
  const settings = await freshDatabaseSettings();
  const config = testConfig({ ...settings, SIGNING_KEY_PATH: join(dir, "signing-key.pem"), ...overrides });
  const database = await openDatabase({ url: config.DATABASE_URL, path: config.DATABASE_PATH });
  const db = database.db;
  const clock = new TestClock();
  const github = new GitHub({
    baseUrl: config.GITHUB_API_URL,
    timeoutMs: config.GITHUB_TIMEOUT_MS,
    retries: config.GITHUB_RETRIES,
    retryBaseMs: 5,
  });
  const signer = signerFromConfig(config);
  const logger = pino({ level: "silent" });
  const deps: AppDeps = {
    db,
    config,
    clock,
    logger,
    github,
    npm: npmRegistryFromConfig(config),
    signer,
    books: booksLogFor(config, signer),
    mailer: createMailer(config, logger),
  };
  const app = createApp(deps);
  return { app, db, database, clock, config, deps, close: () => database.close() };
}

let counter = 0;

export interface TestUser {
  id: number;
  email: string;
  token: string;
  auth: { Authorization: string };
}

export async function makeUser(
  h: Harness,
  options: { treasurer?: boolean; name?: string; passwordHash?: string | null } = {},
): Promise<TestUser> {
  counter += 1;
  const email = `user${counter}-${Date.now()}@example.org`;
  const user = await createUser(
    h.db,
    {
      email,
      name: options.name ?? `User ${counter}`,
      passwordHash: options.passwordHash ?? null,
      isTreasurer: options.treasurer ?? false,
      actorUserId: null,
    },
    { clock: h.clock },
  );
  const { secret } = await createApiToken(h.db, { userId: user.id, name: "test", actorUserId: null }, { clock: h.clock });
  return { id: user.id, email, token: secret, auth: { Authorization: `Bearer ${secret}` } };
}

/**
 * A password hash in the stored format (`scrypt$N$r$p$salt$key`) at a test's cost, N = 2^10 instead of 2^14: the
 * server reads the parameters from each hash, so signing in checks it the same way (~16× cheaper for every login).
 */
export async function passwordHashFor(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, 32, { N: 1024, r: 8, p: 1 }, (err, derived) => (err ? reject(err) : resolve(derived))),
  );
  return `scrypt$1024$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export const api = (h: Harness) => request(h.app);

/** The application's tables (not the migration journal), on either engine. */
export async function tableNames(db: Db): Promise<string[]> {
  const rows =
    engineOf(db) === "sqlite"
      ? await queryRows<{ name: string }>(
          db,
          sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`,
        )
      : await queryRows<{ name: string }>(
          db,
          sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
        );
  return rows.map((r) => r.name);
}

/** Row counts of every table: "the database is unchanged" means this snapshot is equal. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of await tableNames(db)) {
    const [row] = await queryRows<{ n: unknown }>(db, sql`select count(*) as n from ${sql.identifier(name)}`);
    counts[name] = toInt(row?.n);
  }
  return counts;
}

/** A full dump of every row, for stronger "nothing changed" checks. */
export async function dumpDatabase(db: Db, options: { ignore?: string[] } = { ignore: ["api_tokens"] }): Promise<string> {
  const ignored = new Set(options.ignore ?? []);
  const dump: [string, unknown[]][] = [];
  for (const name of await tableNames(db)) {
    if (ignored.has(name)) continue;
    dump.push([name, await queryRows(db, sql`select * from ${sql.identifier(name)} order by 1`)]);
  }
  return JSON.stringify(dump);
}

class RolledBack extends Error {}

/**
 * Runs `fn` against the harness's database inside one transaction, then rolls everything it did back (the
 * commands' own transactions nest in it as savepoints): property tests start each run from the same empty
 * books without the cost of a fresh database per run.
 */
export async function inRolledBackTransaction(h: Harness, fn: (h: Harness) => Promise<void>): Promise<void> {
  try {
    await h.db.transaction(async (tx) => {
      await fn({ ...h, db: tx });
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  }
}
