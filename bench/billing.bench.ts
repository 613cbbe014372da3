// Billing run for 10,000 organizations with 20 usages each, against a bare better-sqlite3
// insert of the same number of rows in one transaction, in the same process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDatabase, openDatabase, type Db } from "../src/db/client.js";
import { runBilling } from "../src/billing/run-billing.js";
import { loadOrCreateSigner } from "../src/grants/signing-key.js";
import { checkLedger } from "../src/ledger/check-ledger.js";
import { BENCH_NOW, seedWorks } from "./seed.js";

export interface BenchResult {
  name: string;
  lines: string[];
  ratio: number;
  target: number;
}

function seed(db: Db, orgs: number, usagesPerOrg: number): void {
  const c = db.$client;
  const now = BENCH_NOW;
  c.transaction(() => {
    seedWorks(db, usagesPerOrg);
    const org = c.prepare("insert into organizations (name, kind, country, created_at) values (?, 'commercial', 'DE', ?)");
    const facts = c.prepare(
      "insert into size_facts (organization_id, effective_on, headcount, annual_revenue_minor, revenue_currency, created_at) values (?, '2025-01-01', ?, ?, ?, ?)",
    );
    const usage = c.prepare(
      "insert into usages (organization_id, work_id, purpose, started_on, ended_on, created_at) values (?, ?, 'commercial', ?, ?, ?)",
    );
    for (let i = 0; i < orgs; i++) {
      const id = Number(org.run(`Firm ${i}`, now).lastInsertRowid);
      if (i % 10 !== 0) facts.run(id, 1 + ((i * 37) % 1500), i % 3 === 0 ? 50_000_000 + i : null, i % 3 === 0 ? "EUR" : null, now);
      for (let w = 0; w < usagesPerOrg; w++) {
        const start = (i + w) % 5 === 0 ? `2026-03-${String(1 + ((i + w) % 28)).padStart(2, "0")}` : "2025-06-01";
        usage.run(id, w + 1, start, (i + w) % 7 === 0 && start < "2026-03-20" ? "2026-03-20" : null, now);
      }
    }
  })();
}

function rowsWritten(db: Db): number {
  const n = (sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;
  return (
    n("select count(*) as n from invoices") +
    n("select count(*) as n from invoice_lines") +
    n("select count(*) as n from ledger_transactions") +
    n("select count(*) as n from ledger_transfers") +
    n("select count(*) as n from audit_log")
  );
}

function bareInsert(db: Db, rows: number): number {
  db.$client.exec(
    "create table bench_bare (id integer primary key, invoice_id integer not null, position integer not null, kind text not null, description text not null, amount_minor integer not null)",
  );
  const insert = db.$client.prepare(
    "insert into bench_bare (invoice_id, position, kind, description, amount_minor) values (?, ?, ?, ?, ?)",
  );
  const started = performance.now();
  db.$client.transaction(() => {
    for (let i = 0; i < rows; i++)
      insert.run(
        i >> 4,
        i & 15,
        "fee",
        `Commercial reciprocity license: Work ${i & 15}, 2026-03-01 to 2026-03-31 (31/31 days)`,
        1000 + (i % 977),
      );
  })();
  return performance.now() - started;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Each round seeds a fresh database, runs billing, then times the bare insert beside it. */
export function benchBilling(options: { orgs: number; usagesPerOrg: number; rounds: number }): BenchResult {
  const billing: number[] = [];
  const bare: number[] = [];
  let invoices = 0;
  let rows = 0;
  let violations = 0;
  for (let round = 0; round < options.rounds; round++) {
    const dir = mkdtempSync(join(tmpdir(), "reciprocity-bench-"));
    try {
      const db = openDatabase(join(dir, "bench.sqlite"));
      seed(db, options.orgs, options.usagesPerOrg);
      const signer = loadOrCreateSigner(join(dir, "key.pem"));
      const clock = { now: () => new Date("2026-04-01T08:00:00Z") };
      const started = performance.now();
      const result = runBilling(
        db,
        { month: "2026-03", actorUserId: 1, chunkSize: process.env.BENCH_CHUNK ? Number(process.env.BENCH_CHUNK) : undefined },
        { clock, signer, invoicePrefix: "RCP", paymentTermsDays: 30 },
      );
      billing.push(performance.now() - started);
      invoices = result.invoicesCreated;
      rows = rowsWritten(db);
      violations = checkLedger(db).length;
      bare.push(bareInsert(db, rows));
      closeDatabase(db);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const billingMs = median(billing);
  const bareMs = median(bare);
  const ratio = billingMs / bareMs;
  return {
    name: "billing run",
    ratio,
    target: 3,
    lines: [
      `billing run: ${options.orgs} organizations × ${options.usagesPerOrg} usages → ${invoices} invoices, ${rows} rows written, ledger violations: ${violations}; median of ${options.rounds}`,
      `  billing run        ${billingMs.toFixed(0).padStart(7)} ms   ${((invoices / billingMs) * 1000).toFixed(0)} invoices/s   (runs: ${billing.map((b) => b.toFixed(0)).join(", ")} ms)`,
      `  bare insert        ${bareMs.toFixed(0).padStart(7)} ms   ${rows} rows in one transaction   (runs: ${bare.map((b) => b.toFixed(0)).join(", ")} ms)`,
      `  ratio              ${ratio.toFixed(2).padStart(7)} ×    (target ≤ 3×)`,
    ],
  };
}
