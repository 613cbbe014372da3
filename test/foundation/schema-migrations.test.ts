// The committed migrations of each engine must produce exactly the schema; the two engines' schemas must
// have the same tables, columns, keys, indexes and constraints; the append-only tables refuse changes.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { generateDrizzleJson, generateMigration, generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import * as pgSchema from "../../src/db/schema.js";
import { sqliteSchema } from "../../src/db/schema.sqlite.js";
import { MIGRATIONS_FOLDERS, openDatabase, type Db } from "../../src/db/client.js";
import { execute, queryRows } from "../../src/db/sql.js";
import { loadOrCreateSigner } from "../../src/grants/signing-key.js";
import { freshDatabase, tableNames, tempDir, testEngine } from "../support/harness.js";

function lastSnapshot(folder: string): Record<string, unknown> {
  const metaDir = join(folder, "meta");
  const snapshots = readdirSync(metaDir)
    .filter((f) => f.endsWith("_snapshot.json"))
    .sort();
  return JSON.parse(readFileSync(join(metaDir, snapshots.at(-1)!), "utf8")) as Record<string, unknown>;
}

interface TableShape {
  columns: Record<string, { notNull: boolean; primaryKey: boolean }>;
  indexes: Record<string, { columns: string[]; unique: boolean }>;
  foreignKeys: Record<string, { from: string[]; to: string; toColumns: string[] }>;
  primaryKeys: string[][];
  checks: Record<string, string>;
}

type Snapshot = { tables: Record<string, Record<string, Record<string, Record<string, unknown>>>> };

/** What both engines must agree on, read from a drizzle-kit snapshot of either dialect. */
function shapes(snapshot: Snapshot): Record<string, TableShape> {
  const out: Record<string, TableShape> = {};
  for (const table of Object.values(snapshot.tables)) {
    const name = table.name as unknown as string;
    out[name] = {
      columns: Object.fromEntries(
        Object.values(table.columns!).map((c) => [c.name, { notNull: Boolean(c.notNull), primaryKey: Boolean(c.primaryKey) }]),
      ),
      indexes: Object.fromEntries(
        Object.values(table.indexes!).map((i) => [
          i.name,
          {
            columns: (i.columns as (string | { expression: string })[]).map((c) => (typeof c === "string" ? c : c.expression)),
            unique: Boolean(i.isUnique),
          },
        ]),
      ),
      foreignKeys: Object.fromEntries(
        Object.values(table.foreignKeys!).map((f) => [
          f.name,
          { from: f.columnsFrom as string[], to: f.tableTo as string, toColumns: f.columnsTo as string[] },
        ]),
      ),
      primaryKeys: Object.values(table.compositePrimaryKeys!).map((p) =>
        typeof p === "string" ? (p as string).split(";")[0]!.split(",") : (p.columns as string[]),
      ),
      checks: Object.fromEntries(Object.values(table.checkConstraints!).map((c) => [c.name, String(c.value)])),
    };
  }
  return out;
}

/** The messages of an error and its causes: drizzle wraps the driver's error on PostgreSQL. */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const parts: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
    return parts.join(" | ");
  }
  throw new Error("expected the statement to be refused");
}

describe("schema and migrations", () => {
  it("agree on SQLite: generating a migration from the last snapshot yields nothing", async () => {
    const current = await generateSQLiteDrizzleJson(sqliteSchema);
    const statements = await generateSQLiteMigration(lastSnapshot(MIGRATIONS_FOLDERS.sqlite), current);
    expect(statements, "run `npm run db:generate` and commit the migrations").toEqual([]);
  });

  it("agree on PostgreSQL: generating a migration from the last snapshot yields nothing", async () => {
    const current = generateDrizzleJson(pgSchema);
    const statements = await generateMigration(lastSnapshot(MIGRATIONS_FOLDERS.postgres), current);
    expect(statements, "run `npm run db:generate` and commit the migrations").toEqual([]);
  });

  it("the two engines have the same tables, columns, keys, indexes and constraints", async () => {
    const sqlite = shapes(await generateSQLiteDrizzleJson(sqliteSchema));
    const postgres = shapes(generateDrizzleJson(pgSchema));
    expect(Object.keys(sqlite).sort()).toEqual(Object.keys(postgres).sort());
    for (const name of Object.keys(postgres)) expect(sqlite[name], name).toEqual(postgres[name]);
    // And the committed snapshots (what the migrations build) agree as well.
    expect(shapes(lastSnapshot(MIGRATIONS_FOLDERS.sqlite) as unknown as Snapshot)).toEqual(
      shapes(lastSnapshot(MIGRATIONS_FOLDERS.postgres) as unknown as Snapshot),
    );
  });

  it(`the migrated ${testEngine()} database has every table of the schema`, async () => {
    const database = await freshDatabase();
    try {
      const expected = Object.keys(shapes(generateDrizzleJson(pgSchema))).sort();
      expect(await tableNames(database.db)).toEqual(expected);
    } finally {
      await database.close();
    }
  });

  it("opens SQLite with the pragmas set on its writer connection, and a read-only connection beside it", async () => {
    const path = join(tempDir(), "pragmas.sqlite");
    const database = await openDatabase({ path });
    try {
      const pragma = (name: string) =>
        database.db.transaction(
          async (tx) => Object.values((await queryRows<Record<string, unknown>>(tx, sql.raw(`pragma ${name}`)))[0]!)[0],
        );
      expect(await pragma("journal_mode")).toBe("wal");
      expect(await pragma("synchronous")).toBe(2);
      expect(await pragma("foreign_keys")).toBe(1);
      expect(await pragma("busy_timeout")).toBe(5000);
      // The database, its write-ahead log and its shared-memory index: the service account's alone.
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
      expect(await failure(execute(database.db, sql`insert into rate_limit_counters values ('k', 1, 'x')`))).toMatch(/readonly/);
    } finally {
      await database.close();
    }
  });

  it("creates the signing key file 0600, whatever the umask", () => {
    const previous = process.umask(0o002);
    try {
      const path = join(tempDir(), "keys", "signing-key.pem");
      loadOrCreateSigner(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it("refuses UPDATE and DELETE on ledger rows, payments and the audit log", async () => {
    const database = await freshDatabase();
    const db = database.db;
    const attempt = (query: ReturnType<typeof sql>) => db.transaction((tx: Db) => execute(tx, query));
    try {
      await attempt(
        sql`insert into ledger_transactions (code, description, effective_on, created_at) values ('invoice_issued', 't', '2026-01-01', 'now')`,
      );
      const [tx] = await queryRows<{ id: number }>(db, sql`select id from ledger_transactions`);
      await attempt(
        sql`insert into ledger_transfers (transaction_id, debit_account, credit_account, amount_minor, currency, created_at) values (${tx!.id}, 'a', 'b', 5, 'EUR', 'now')`,
      );
      expect(await failure(attempt(sql`update ledger_transfers set amount_minor = 6`))).toMatch(/append-only/);
      expect(await failure(attempt(sql`delete from ledger_transfers`))).toMatch(/append-only/);
      expect(await failure(attempt(sql`update ledger_transactions set description = 'x'`))).toMatch(/append-only/);
      expect(
        await failure(
          attempt(
            sql`insert into ledger_transfers (transaction_id, debit_account, credit_account, amount_minor, currency, created_at) values (${tx!.id}, 'a', 'b', -5, 'EUR', 'now')`,
          ),
        ),
      ).toMatch(/CHECK|check constraint/);
      await attempt(sql`insert into audit_log (action, entity_type, entity_id, created_at) values ('x', 'y', '1', 'now')`);
      expect(await failure(attempt(sql`delete from audit_log`))).toMatch(/append-only/);
      await expect(attempt(sql`update payments set reference = 'x'`)).resolves.toBeUndefined(); // no rows: nothing to refuse
    } finally {
      await database.close();
    }
  });

  it("enforces constraints in the schema", async () => {
    const database = await freshDatabase();
    const attempt = (query: ReturnType<typeof sql>) => database.db.transaction((tx: Db) => execute(tx, query));
    try {
      expect(await failure(attempt(sql`insert into organizations (name, kind, created_at) values ('x', 'megacorp', 'now')`))).toMatch(
        /CHECK|check constraint/,
      );
      expect(
        await failure(attempt(sql`insert into organizations (name, kind, created_at) values ('x', 'worker_cooperative', 'now')`)),
      ).toMatch(/CHECK|check constraint/);
      expect(
        await failure(attempt(sql`insert into memberships (organization_id, user_id, role, created_at) values (99, 99, 'owner', 'now')`)),
      ).toMatch(/FOREIGN KEY|foreign key/);
    } finally {
      await database.close();
    }
  });
});
