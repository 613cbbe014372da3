// The test harness: a real SQLite file copied from the migrated base, the real express app,
// a clock the test controls, and helpers that create records through the domain commands.
import { copyFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { pino } from "pino";
import request from "supertest";
import type { Express } from "express";
import { createApp, type AppDeps } from "../../src/app.js";
import { testConfig, type Config } from "../../src/config.js";
import { closeDatabase, openDatabase, type Db } from "../../src/db/client.js";
import type { Clock } from "../../src/shared/clock.js";
import { createUser } from "../../src/accounts/create-user.js";
import { createApiToken } from "../../src/accounts/tokens.js";
import { hashPassword } from "../../src/accounts/passwords.js";
import { GitHub } from "../../src/github/github-client.js";
import { loadOrCreateSigner } from "../../src/grants/signing-key.js";

export class TestClock implements Clock {
  constructor(private current: Date = new Date("2026-03-15T10:00:00Z")) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export function tempDir(): string {
  return mkdtempSync(join(inject("tmpRoot"), "t-"));
}

export function freshDatabasePath(): string {
  const path = join(tempDir(), "test.sqlite");
  copyFileSync(inject("baseDbPath"), path);
  return path;
}

export interface Harness {
  app: Express;
  db: Db;
  clock: TestClock;
  config: Config;
  deps: AppDeps;
  close(): void;
}

export function makeHarness(overrides: Partial<Config> = {}): Harness {
  const dir = tempDir();
  const path = join(dir, "test.sqlite");
  copyFileSync(inject("baseDbPath"), path);
  const config = testConfig({ DATABASE_PATH: path, SIGNING_KEY_PATH: join(dir, "signing-key.pem"), ...overrides });
  const db = openDatabase(path);
  const clock = new TestClock();
  const github = new GitHub({
    baseUrl: config.GITHUB_API_URL,
    timeoutMs: config.GITHUB_TIMEOUT_MS,
    retries: config.GITHUB_RETRIES,
    retryBaseMs: 5,
  });
  const signer = loadOrCreateSigner(config.SIGNING_KEY_PATH);
  const deps: AppDeps = { db, config, clock, logger: pino({ level: "silent" }), github, signer };
  const app = createApp(deps);
  return { app, db, clock, config, deps, close: () => closeDatabase(db) };
}

let counter = 0;

export interface TestUser {
  id: number;
  email: string;
  token: string;
  auth: { Authorization: string };
}

export function makeUser(h: Harness, options: { treasurer?: boolean; name?: string; passwordHash?: string | null } = {}): TestUser {
  counter += 1;
  const email = `user${counter}-${Date.now()}@example.org`;
  const user = createUser(
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
  const { secret } = createApiToken(h.db, { userId: user.id, name: "test", actorUserId: null }, { clock: h.clock });
  return { id: user.id, email, token: secret, auth: { Authorization: `Bearer ${secret}` } };
}

export const passwordHashFor = (password: string) => hashPassword(password);

export const api = (h: Harness) => request(h.app);

/** Row counts of every table: "the database is unchanged" means this snapshot is equal. */
export function tableCounts(db: Db): Record<string, number> {
  const tables = db.$client
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
    )
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => [name, (db.$client.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n]),
  );
}

/** A full dump of every row, for stronger "nothing changed" checks. */
export function dumpDatabase(db: Db, options: { ignore?: string[] } = { ignore: ["api_tokens"] }): string {
  const ignored = new Set(options.ignore ?? []);
  const tables = (
    db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as {
      name: string;
    }[]
  ).filter((t) => !ignored.has(t.name));
  return JSON.stringify(tables.map(({ name }) => [name, db.$client.prepare(`select * from "${name}"`).all()]));
}
