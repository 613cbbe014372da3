// Helpers for tests of the books: tampering with the database as an attacker with SQL access would, and
// running `reciprocity ledger check` as a child process.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { sql, type SQL } from "drizzle-orm";
import { engineOf, type Db } from "../../src/db/client.js";
import { execute } from "../../src/db/sql.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import type { Harness } from "./harness.js";

const root = join(import.meta.dirname, "../..");

/** Runs raw statements in one transaction (SQLite's handle outside a transaction is read-only). */
export async function tamper(db: Db, ...statements: SQL[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const statement of statements) await execute(tx, statement);
  });
}

/** The statement dropping the append-only trigger of `table` for `event` (update or delete), on either engine. */
export function dropTrigger(db: Db, table: string, event: "update" | "delete"): SQL {
  const name = sql.identifier(`${table}_no_${event}`);
  return engineOf(db) === "sqlite" ? sql`drop trigger ${name}` : sql`drop trigger ${name} on ${sql.identifier(table)}`;
}

/** The violations `ledger check` finds, as `invariant: detail` lines. */
export async function findings(db: Db): Promise<string[]> {
  return (await checkLedger(db)).map((v) => `${v.invariant}: ${v.detail}`);
}

/** `reciprocity ledger check` on the harness's database, as a child process. */
export function ledgerCheckCli(h: Harness) {
  return spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), "ledger", "check"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_PATH: h.config.DATABASE_PATH,
      DATABASE_URL: h.config.DATABASE_URL,
      SIGNING_KEY_PATH: h.config.SIGNING_KEY_PATH,
      LOG_LEVEL: "silent",
    },
    encoding: "utf8",
    timeout: 120_000,
  });
}
