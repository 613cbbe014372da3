// A distribution run over 10,000 organizations and 100,000 payments (drafted and approved), against a bare insert
// of the rows it writes: the same rows, read back, written by the bare driver into the same tables of a twin
// database seeded alike, batched, in one transaction, on the same engine, in the same process. The narrow-row
// baseline of the billing bench is printed beside it.
import { count, eq } from "drizzle-orm";
import type { Db } from "../src/db/client.js";
import { bulkInsert } from "../src/db/bulk-insert.js";
import {
  auditLog,
  booksEntries,
  cooperativeEvidence,
  distributionAllocations,
  distributionRuns,
  statements,
  invoiceLineNets,
  invoiceLines,
  invoices,
  ledgerTransactions,
  ledgerTransfers,
  organizations,
  paymentAttributions,
  payments,
  verificationDecisions,
  workCash,
} from "../src/db/schema.js";
import { runDistribution } from "../src/distribution/run-distribution.js";
import { approveDistributionRun } from "../src/distribution/approve-run.js";
import { bareInsert, bareInsertRows, lastKeyOf, readRowsAfter, type TableRows } from "./bare.js";
import type { BenchResult } from "./billing.bench.js";
import { BENCH_NOW, BenchEngine, median, seedWorks } from "./seed.js";

const CHUNK = 20_000;

async function inChunks<T>(tx: Db, table: Parameters<typeof bulkInsert>[1], rows: T[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await bulkInsert(tx, table, rows.slice(i, i + CHUNK) as never[]);
}

/**
 * Organizations 2..orgs+1: the first half license one work each, the next fifth are verified cooperatives,
 * every organization has a March invoice of two lines, paid in `payments / orgs` parts in April.
 */
export async function seedDistribution(db: Db, orgs: number, paymentCount: number): Promise<void> {
  const worksCount = Math.floor(orgs / 2);
  await db.transaction(async (tx) => {
    await seedWorks(tx, worksCount);
    const orgRows = Array.from({ length: orgs }, (_, i) => {
      const coop = i >= worksCount && i < worksCount + Math.floor(orgs / 5);
      return {
        name: `Org ${i}`,
        kind: coop ? ("worker_cooperative" as const) : ("commercial" as const),
        verificationStatus: coop ? ("verified" as const) : null,
        createdAt: BENCH_NOW,
      };
    });
    await inChunks(tx, organizations, orgRows);
    const coops = orgRows.flatMap((o, i) => (o.kind === "worker_cooperative" ? [i + 2] : []));
    await inChunks(
      tx,
      cooperativeEvidence,
      coops.map((id) => ({
        organizationId: id,
        jurisdiction: "DE",
        registryNumber: `GnR ${id}`,
        bylawsUrl: "https://coop.example",
        workerOwnerCount: 1 + (id % 40),
        distributesAllSurplus: true,
        createdAt: BENCH_NOW,
      })),
    );
    await inChunks(
      tx,
      verificationDecisions,
      coops.map((id) => ({ organizationId: id, decision: "verified" as const, reason: "bench", decidedBy: 1, createdAt: BENCH_NOW })),
    );
    await tx.update(organizations).set({ kind: "nonprofit" }).where(eq(organizations.id, 1));
    const perInvoice = Math.max(1, Math.floor(paymentCount / orgs));
    const invoiceRows = Array.from({ length: orgs }, (_, i) => ({
      number: `RCP-2026-${String(i + 1).padStart(6, "0")}`,
      organizationId: i + 2,
      month: "2026-03",
      status: "paid" as const,
      currency: "EUR",
      totalMinor: 0,
      issuedOn: "2026-04-01",
      dueOn: "2026-05-01",
      feeScheduleId: 1,
      buyerName: `Org ${i}`,
      createdAt: BENCH_NOW,
    }));
    invoiceRows.forEach((r, i) => (r.totalMinor = perInvoice * 2 * (500 + (i % 97))));
    await inChunks(tx, invoices, invoiceRows);
    const lines = invoiceRows.flatMap((inv, i) => [
      {
        invoiceId: i + 1,
        position: 1,
        kind: "fee" as const,
        workId: 1 + (i % worksCount),
        description: "a",
        amountMinor: inv.totalMinor / 2,
        obligation: "fee" as const,
        month: inv.month,
      },
      {
        invoiceId: i + 1,
        position: 2,
        kind: "fee" as const,
        workId: 1 + ((i * 7 + 3) % worksCount),
        description: "b",
        amountMinor: inv.totalMinor / 2,
        obligation: "fee" as const,
        month: inv.month,
      },
    ]);
    await inChunks(tx, invoiceLines, lines);
    await inChunks(
      tx,
      invoiceLineNets,
      lines.map((l, k) => ({
        invoiceLineId: k + 1,
        invoiceId: l.invoiceId,
        workId: l.workId,
        netMinor: l.amountMinor,
        currency: "EUR",
        createdAt: BENCH_NOW,
      })),
    );
    const paymentRows = invoiceRows.flatMap((inv, i) =>
      Array.from({ length: perInvoice }, (_, k) => ({
        invoiceId: i + 1,
        amountMinor: inv.totalMinor / perInvoice,
        currency: "EUR",
        paidOn: `2026-04-${String(1 + ((i + k) % 28)).padStart(2, "0")}`,
        reference: `p${i}-${k}`,
        idempotencyKey: `k${i}-${k}`,
        requestHash: "x",
        createdAt: BENCH_NOW,
      })),
    );
    await inChunks(tx, payments, paymentRows);
    const attributions = paymentRows.flatMap((p, n) =>
      [1, 2].map((pos) => ({
        kind: "payment" as const,
        paymentId: n + 1,
        invoiceLineId: (p.invoiceId - 1) * 2 + pos,
        invoiceId: p.invoiceId,
        workId: lines[(p.invoiceId - 1) * 2 + pos - 1]!.workId,
        amountMinor: p.amountMinor / 2,
        currency: "EUR",
        paidOn: p.paidOn,
        createdAt: BENCH_NOW,
      })),
    );
    await inChunks(tx, paymentAttributions, attributions);
    // Work cash as attribution keeps it (work-cash.ts): per work, month paid and latest run's month ('' here).
    const cash = new Map<number, { cashMinor: number; attributions: number }>();
    for (const a of attributions) {
      const sum = cash.get(a.workId) ?? { cashMinor: 0, attributions: 0 };
      sum.cashMinor += a.amountMinor;
      sum.attributions += 1;
      cash.set(a.workId, sum);
    }
    await inChunks(
      tx,
      workCash,
      [...cash].map(([workId, sum]) => ({ month: "2026-04", recordedAfter: "", workId, currency: "EUR", ...sum })),
    );
  });
}

/** Rows in the tables a run and its approval write, transparency log entries included (as billing's bench counts them). */
async function rowsIn(db: Db): Promise<number> {
  let total = 0;
  for (const table of [
    distributionRuns,
    distributionAllocations,
    ledgerTransactions,
    ledgerTransfers,
    auditLog,
    statements,
    booksEntries,
  ]) {
    const [row] = await db.select({ n: count() }).from(table);
    total += row?.n ?? 0;
  }
  return total;
}

/** User and system CPU time of this process since `since`, in milliseconds. */
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** The tables a run and its approval write, parents before children (as their foreign keys need), with their keys. */
const WRITTEN: [table: string, key: string][] = [
  // The approved run names its ledger transaction.
  ["ledger_transactions", "id"],
  ["ledger_transfers", "id"],
  ["distribution_runs", "id"],
  ["distribution_allocations", "id"],
  ["statements", "id"],
  ["audit_log", "id"],
  ["books_entries", "leaf_index"],
];

export async function benchDistribution(
  engine: BenchEngine,
  options: { orgs: number; payments: number; rounds: number },
): Promise<BenchResult> {
  const run: number[] = [];
  const same: number[] = [];
  const bare: number[] = [];
  // This process's CPU time (user + system) beside the wall time. On PostgreSQL the server's CPU is not in it.
  const runCpu: number[] = [];
  const sameCpu: number[] = [];
  let rows = 0;
  for (let round = 0; round < options.rounds; round++) {
    // Two databases seeded alike: the run writes into one; its rows are then written again, by the bare driver,
    // into the other, whose tables, indexes and foreign keys are the same and whose referenced rows are there.
    const twin = await engine.fresh();
    await seedDistribution(twin.database.db, options.orgs, options.payments);
    await twin.database.close();
    const { database, location } = await engine.fresh();
    const db = database.db;
    await seedDistribution(db, options.orgs, options.payments);
    const clock = { now: () => new Date("2026-05-02T08:00:00Z") };
    const before = await rowsIn(db);
    const keys: number[] = [];
    for (const [table, key] of WRITTEN) keys.push(await lastKeyOf(location, table, key));
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { runId } = await runDistribution(db, { month: "2026-04", actorUserId: 1 }, { clock });
    await approveDistributionRun(db, { id: 1, isTreasurer: true }, runId, { clock });
    run.push(performance.now() - started);
    runCpu.push(cpuMs(cpu));
    rows = (await rowsIn(db)) - before;
    await database.close();
    const written: TableRows[] = [];
    for (const [i, [table, key]] of WRITTEN.entries()) written.push(await readRowsAfter(location, table, key, keys[i]!));
    if (written.reduce((n, t) => n + t.rows.length, 0) !== rows)
      throw new Error(
        `the rows read back (${written.map((t) => `${t.table} ${t.rows.length}`).join(", ")}) are not the ${rows} the run wrote`,
      );
    const sameStarted = process.cpuUsage();
    same.push(await bareInsertRows(twin.location, written));
    sameCpu.push(cpuMs(sameStarted));
    bare.push(await bareInsert(location, rows));
  }
  const runMs = median(run);
  const sameMs = median(same);
  const bareMs = median(bare);
  const ratio = runMs / sameMs;
  const e = engine.engine;
  const ms = (xs: number[]) => xs.map((b) => b.toFixed(0)).join(", ");
  return {
    name: `distribution run (${e})`,
    ratio,
    target: 3,
    lines: [
      `distribution run on ${e}: ${options.orgs} organizations, ${options.payments} payments (2 lines each) → ${rows} rows written (draft + approval); median of ${options.rounds}`,
      `  distribution run          ${runMs.toFixed(0).padStart(7)} ms   (runs: ${ms(run)} ms)`,
      `  bare insert of its rows   ${sameMs.toFixed(0).padStart(7)} ms   the same ${rows} rows into the same tables, bare driver, batched, one transaction   (runs: ${ms(same)} ms)`,
      `  ratio                     ${ratio.toFixed(2).padStart(7)} ×    (target ≤ 3×)`,
      `  CPU of this process: run ${median(runCpu).toFixed(0)} ms, bare insert of its rows ${median(sameCpu).toFixed(0)} ms, ${(median(runCpu) / median(sameCpu)).toFixed(2)} ×${e === "postgres" ? " (the server's CPU not counted)" : ""}`,
      `  for comparison, as many rows of one narrow table without indexes (the billing bench's baseline): ${bareMs.toFixed(0)} ms, run ÷ it ${(runMs / bareMs).toFixed(2)} ×   (runs: ${ms(bare)} ms)`,
    ],
  };
}
