// The committed migrations must produce exactly the drizzle schema, and keep the ledger append-only.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import * as schema from "../../src/db/schema.js";
import { MIGRATIONS_FOLDER, openDatabase } from "../../src/db/client.js";
import { freshDatabasePath } from "../support/harness.js";

describe("schema and migrations", () => {
  it("agree: generating a migration from the last snapshot yields nothing", async () => {
    const metaDir = join(MIGRATIONS_FOLDER, "meta");
    const snapshots = readdirSync(metaDir)
      .filter((f) => f.endsWith("_snapshot.json"))
      .sort();
    const last = JSON.parse(readFileSync(join(metaDir, snapshots.at(-1)!), "utf8"));
    const current = await generateSQLiteDrizzleJson(schema);
    const statements = await generateSQLiteMigration(last, current);
    expect(statements, "run `npm run db:generate` and commit the migration").toEqual([]);
  });

  it("opens with the pragmas set", () => {
    const db = openDatabase(freshDatabasePath());
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("synchronous", { simple: true })).toBe(2);
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.$client.pragma("busy_timeout", { simple: true })).toBe(5000);
    db.$client.close();
  });

  it("refuses UPDATE and DELETE on ledger rows and the audit log", () => {
    const db = openDatabase(freshDatabasePath());
    const c = db.$client;
    c.prepare(
      "insert into ledger_transactions (code, description, effective_on, created_at) values ('invoice_issued', 't', '2026-01-01', 'now')",
    ).run();
    c.prepare(
      "insert into ledger_transfers (transaction_id, debit_account, credit_account, amount_minor, currency, created_at) values (1, 'a', 'b', 5, 'EUR', 'now')",
    ).run();
    expect(() => c.prepare("update ledger_transfers set amount_minor = 6").run()).toThrow(/append-only/);
    expect(() => c.prepare("delete from ledger_transfers").run()).toThrow(/append-only/);
    expect(() => c.prepare("update ledger_transactions set description = 'x'").run()).toThrow(/append-only/);
    expect(() =>
      c
        .prepare(
          "insert into ledger_transfers (transaction_id, debit_account, credit_account, amount_minor, currency, created_at) values (1, 'a', 'b', -5, 'EUR', 'now')",
        )
        .run(),
    ).toThrow(/CHECK/);
    c.prepare("insert into audit_log (action, entity_type, entity_id, created_at) values ('x', 'y', '1', 'now')").run();
    expect(() => c.prepare("delete from audit_log").run()).toThrow(/append-only/);
    c.close();
  });

  it("enforces constraints in the schema", () => {
    const db = openDatabase(freshDatabasePath());
    const c = db.$client;
    expect(() => c.prepare("insert into organizations (name, kind, created_at) values ('x', 'megacorp', 'now')").run()).toThrow(/CHECK/);
    expect(() => c.prepare("insert into organizations (name, kind, created_at) values ('x', 'worker_cooperative', 'now')").run()).toThrow(
      /CHECK/,
    );
    expect(() =>
      c.prepare("insert into memberships (organization_id, user_id, role, created_at) values (99, 99, 'owner', 'now')").run(),
    ).toThrow(/FOREIGN KEY/);
    c.close();
  });
});
