// Billing run for 10,000 organizations with 20 usages each, against a bare batched insert of the same number
// of rows on the same engine, in the same process.
import { join } from "node:path";
import { count } from "drizzle-orm";
import type { Db } from "../src/db/client.js";
import {
  auditLog,
  booksEntries,
  invoiceLines,
  invoices,
  ledgerTransactions,
  ledgerTransfers,
  organizations,
  sizeFacts,
  usages,
} from "../src/db/schema.js";
import { runBilling } from "../src/billing/run-billing.js";
import { loadOrCreateSigner } from "../src/grants/signing-key.js";
import { checkLedger } from "../src/ledger/check-ledger.js";
import { bareInsert } from "./bare.js";
import { BENCH_NOW, BenchEngine, insertChunked, median, seedWorks } from "./seed.js";

export interface BenchResult {
  name: string;
  lines: string[];
  ratio: number;
  target: number;
  /** The ratio must reach the target (a throughput) rather than stay under it (a time). */
  atLeast?: boolean;
  /** Latency (HTTP reads): p99 in ms, to stay under `p99Target`. */
  p99?: number;
  p99Target?: number;
}

/** `usagesPerOrg` works, `orgs` commercial firms using them (ids 2..orgs + 1), with size facts. */
export async function seedBilling(db: Db, orgs: number, usagesPerOrg: number, works = usagesPerOrg): Promise<void> {
  await db.transaction(async (tx) => {
    await seedWorks(tx, Math.max(works, usagesPerOrg), works > usagesPerOrg);
    // Organization ids follow the licensor's (1): firm i is organization i + 2.
    await insertChunked(
      Array.from({ length: orgs }, (_, i) => ({ name: `Firm ${i}`, kind: "commercial" as const, country: "DE", createdAt: BENCH_NOW })),
      (chunk) => tx.insert(organizations).values(chunk),
    );
    const facts = [];
    const uses = [];
    for (let i = 0; i < orgs; i++) {
      const id = i + 2;
      if (i % 10 !== 0)
        facts.push({
          organizationId: id,
          effectiveOn: "2025-01-01",
          headcount: 1 + ((i * 37) % 1500),
          annualRevenueMinor: i % 3 === 0 ? 50_000_000 + i : null,
          revenueCurrency: i % 3 === 0 ? "EUR" : null,
          createdAt: BENCH_NOW,
        });
      for (let w = 0; w < usagesPerOrg; w++) {
        const start = (i + w) % 5 === 0 ? `2026-03-${String(1 + ((i + w) % 28)).padStart(2, "0")}` : "2025-06-01";
        const ended = (i + w) % 7 === 0 && start < "2026-03-20" ? "2026-03-20" : null;
        uses.push({
          organizationId: id,
          workId: w + 1,
          purpose: "commercial" as const,
          startedOn: start,
          endedOn: ended,
          createdAt: BENCH_NOW,
        });
      }
    }
    await insertChunked(facts, (chunk) => tx.insert(sizeFacts).values(chunk));
    await insertChunked(uses, (chunk) => tx.insert(usages).values(chunk));
  });
}

async function rowsWritten(db: Db): Promise<number> {
  let total = 0;
  for (const table of [invoices, invoiceLines, ledgerTransactions, ledgerTransfers, auditLog, booksEntries]) {
    const [row] = await db.select({ n: count() }).from(table);
    total += row?.n ?? 0;
  }
  return total;
}

/** Each round seeds a fresh database, runs billing, then times the bare insert beside it. */
/** Starts measuring the longest time between two turns of the event loop; the function it answers stops and reads it. */
function stallMeter(): () => number {
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  return () => {
    clearInterval(tick);
    return Math.max(longest, performance.now() - last);
  };
}

export async function benchBilling(
  engine: BenchEngine,
  options: { orgs: number; usagesPerOrg: number; rounds: number },
): Promise<BenchResult> {
  const billing: number[] = [];
  const bare: number[] = [];
  const stalls: number[] = [];
  let invoicesCreated = 0;
  let rows = 0;
  let violations = 0;
  for (let round = 0; round < options.rounds; round++) {
    const { database, location } = await engine.fresh();
    const db = database.db;
    await seedBilling(db, options.orgs, options.usagesPerOrg);
    const signer = loadOrCreateSigner(join(location.path + ".key.pem"));
    const clock = { now: () => new Date("2026-04-01T08:00:00Z") };
    // The longest the event loop went without turning during the run: requests wait at least that long.
    const stalled = stallMeter();
    const started = performance.now();
    const result = await runBilling(
      db,
      { month: "2026-03", actorUserId: 1, chunkSize: process.env.BENCH_CHUNK ? Number(process.env.BENCH_CHUNK) : undefined },
      { clock, signer, invoicePrefix: "RCP", paymentTermsDays: 30 },
    );
    billing.push(performance.now() - started);
    stalls.push(stalled());
    invoicesCreated = result.invoicesCreated;
    rows = await rowsWritten(db);
    violations = (await checkLedger(db)).length;
    await database.close();
    bare.push(await bareInsert(location, rows));
  }
  const billingMs = median(billing);
  const bareMs = median(bare);
  const ratio = billingMs / bareMs;
  const e = engine.engine;
  return {
    name: `billing run (${e})`,
    ratio,
    target: 3,
    lines: [
      `billing run on ${e}: ${options.orgs} organizations × ${options.usagesPerOrg} usages → ${invoicesCreated} invoices, ${rows} rows written, ledger violations: ${violations}; median of ${options.rounds}`,
      `  billing run        ${billingMs.toFixed(0).padStart(7)} ms   ${((invoicesCreated / billingMs) * 1000).toFixed(0)} invoices/s   (runs: ${billing.map((b) => b.toFixed(0)).join(", ")} ms)`,
      `  bare insert        ${bareMs.toFixed(0).padStart(7)} ms   ${rows} rows, batched, one transaction   (runs: ${bare.map((b) => b.toFixed(0)).join(", ")} ms)`,
      `  ratio              ${ratio.toFixed(2).padStart(7)} ×    (target ≤ 3×, goal 2×)`,
      `  event loop         longest stall during the run ${median(stalls).toFixed(0)} ms (runs: ${stalls.map((s) => s.toFixed(0)).join(", ")} ms)`,
    ],
  };
}
