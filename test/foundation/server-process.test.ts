// The real server process, as `npm start` runs it, on a free port, on the project's engine.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import pg from "pg";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { freshDatabaseSettings, pgAdminUrl, tempDir, testEngine } from "../support/harness.js";
import { root, startServerProcess } from "../support/server-process.js";
import { openDatabase } from "../../src/db/client.js";
import { queryRows } from "../../src/db/sql.js";
import { users } from "../../src/db/schema.js";

/** A database that exists but has never been migrated: a new SQLite file, or an empty PostgreSQL database. */
async function newDatabaseSettings(): Promise<{ DATABASE_PATH: string; DATABASE_URL?: string }> {
  const path = join(tempDir(), "db.sqlite");
  if (testEngine() === "sqlite") return { DATABASE_PATH: path };
  const name = `t_new_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(pgAdminUrl());
  url.pathname = `/${name}`;
  return { DATABASE_PATH: path, DATABASE_URL: url.href };
}

describe("the server process", () => {
  it("starts on PORT, migrates a new database, bootstraps the treasurer and answers /healthz", { timeout: 120_000 }, async () => {
    const settings = await newDatabaseSettings();
    const server = await startServerProcess({
      DATABASE_PATH: settings.DATABASE_PATH,
      DATABASE_URL: settings.DATABASE_URL,
      SIGNING_KEY_PATH: join(tempDir(), "key.pem"),
      BOOTSTRAP_TREASURER_EMAIL: "t@example.org",
      BOOTSTRAP_TREASURER_PASSWORD: "a long password",
      BOOTSTRAP_TREASURER_TOKEN: "rcp_process_test_token_123456",
    });
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      const me = await fetch(`${server.url}/api/v1/users/me`, {
        headers: { Authorization: "Bearer rcp_process_test_token_123456" },
      });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ email: "t@example.org", isTreasurer: true });
    } finally {
      await server.stop();
    }
    expect(server.stderr()).toBe("");
    // It ran on the project's engine: a SQLite file exists only when SQLite was used.
    expect(existsSync(settings.DATABASE_PATH)).toBe(testEngine() === "sqlite");
  });

  it("exits non-zero with a clear message on a bad configuration value", async () => {
    const settings = await freshDatabaseSettings();
    const result = spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), "serve"], {
      cwd: root,
      env: { ...process.env, PORT: "not-a-port", DATABASE_PATH: settings.DATABASE_PATH, DATABASE_URL: settings.DATABASE_URL },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Invalid configuration");
    expect(result.stderr).toContain("PORT");
  });

  it("exits non-zero with a clear message when its port is taken, instead of claiming to serve", async () => {
    const settings = await freshDatabaseSettings();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const result = spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), "serve"], {
        cwd: root,
        env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), ...settings, SIGNING_KEY_PATH: join(tempDir(), "key.pem") },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toContain(`EADDRINUSE: address already in use 127.0.0.1:${port}`);
      expect(result.stdout).not.toContain("reciprocity is serving");
    } finally {
      holder.close();
    }
  });

  it("reciprocity backup writes a consistent copy of a SQLite database, and refuses PostgreSQL clearly", async () => {
    const settings = await freshDatabaseSettings();
    const database = await openDatabase({ url: settings.DATABASE_URL, path: settings.DATABASE_PATH });
    await database.db.transaction(async (tx) => {
      await tx.insert(users).values({ email: "a@example.org", name: "A", isTreasurer: true, createdAt: "now" });
    });
    await database.close();
    const target = join(tempDir(), "backup.sqlite");
    const result = spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), "backup", target], {
      cwd: root,
      env: { ...process.env, DATABASE_PATH: settings.DATABASE_PATH, DATABASE_URL: settings.DATABASE_URL },
      encoding: "utf8",
      timeout: 30_000,
    });
    if (testEngine() === "postgres") {
      // PostgreSQL's backups are pg_dump's job: the command says so and writes nothing.
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/PostgreSQL/);
      expect(result.stderr).toMatch(/pg_dump/);
      expect(existsSync(target)).toBe(false);
      return;
    }
    expect(result.status, result.stderr).toBe(0);
    const copy = await openDatabase({ path: target }, { migrate: false });
    try {
      expect(await queryRows(copy.db, sql`select email from users`)).toEqual([{ email: "a@example.org" }]);
    } finally {
      await copy.close();
    }
  });
});
