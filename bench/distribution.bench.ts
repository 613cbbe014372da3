// A distribution run over 10,000 organizations and 100,000 payments (drafted and approved), against a bare
// batched insert of as many rows as the run writes, on the same engine, in the same process.
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
import { bareInsert } from "./bare.js";
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

export async function benchDistribution(
  engine: BenchEngine,
  options: { orgs: number; payments: number; rounds: number },
): Promise<BenchResult> {
  const run: number[] = [];
  const bare: number[] = [];
  // This process's CPU time (user + system) beside the wall time: on a busy machine the wall time swings with
  // the other processes, the CPU time much less. On PostgreSQL the server's CPU is not in it.
  const runCpu: number[] = [];
  const bareCpu: number[] = [];
  let rows = 0;
  for (let round = 0; round < options.rounds; round++) {
    const { database, location } = await engine.fresh();
    const db = database.db;
    await seedDistribution(db, options.orgs, options.payments);
    const clock = { now: () => new Date("2026-05-02T08:00:00Z") };
    const before = await rowsIn(db);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { runId } = await runDistribution(db, { month: "2026-04", actorUserId: 1 }, { clock });
    await approveDistributionRun(db, { id: 1, isTreasurer: true }, runId, { clock });
    run.push(performance.now() - started);
    runCpu.push(cpuMs(cpu));
    rows = (await rowsIn(db)) - before;
    await database.close();
    const bareStarted = process.cpuUsage();
    bare.push(await bareInsert(location, rows));
    bareCpu.push(cpuMs(bareStarted));
  }
  const runMs = median(run);
  const bareMs = median(bare);
  const ratio = runMs / bareMs;
  const e = engine.engine;
  return {
    name: `distribution run (${e})`,
    ratio,
    target: 3,
    lines: [
      `distribution run on ${e}: ${options.orgs} organizations, ${options.payments} payments (2 lines each) → ${rows} rows written (draft + approval); median of ${options.rounds}`,
      `  distribution run   ${runMs.toFixed(0).padStart(7)} ms   (runs: ${run.map((b) => b.toFixed(0)).join(", ")} ms)`,
      `  bare insert        ${bareMs.toFixed(0).padStart(7)} ms   ${rows} rows, batched, one transaction   (runs: ${bare.map((b) => b.toFixed(0)).join(", ")} ms)`,
      `  ratio              ${ratio.toFixed(2).padStart(7)} ×    (target ≤ 3×)`,
      `  CPU of this process: run ${median(runCpu).toFixed(0)} ms, bare ${median(bareCpu).toFixed(0)} ms, ${(median(runCpu) / median(bareCpu)).toFixed(2)} ×${e === "postgres" ? " (the server's CPU not counted)" : ""}`,
    ],
  };
}
