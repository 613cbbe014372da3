// Exporting the books of 10,000 invoices (BENCH_ONLY=books), and verifying them, against a bare
// write of the same files' bytes on the same disk.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runBilling } from "../src/billing/run-billing.js";
import { loadOrCreateSigner } from "../src/grants/signing-key.js";
import { booksLogFrom } from "../src/books/log-key.js";
import { exportBooks } from "../src/books/export-books.js";
import { verifyBooks } from "../src/books/verify-books.js";
import { seedBilling, type BenchResult } from "./billing.bench.js";
import type { BenchEngine } from "./seed.js";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath, f.name));
}

/** Writes the same files again, byte for byte, into a fresh folder: the floor under any export. */
function bareWrite(from: string): number {
  const files = filesUnder(from).map((f) => ({ path: f.slice(from.length + 1), bytes: readFileSync(f) }));
  const to = mkdtempSync(join(tmpdir(), "reciprocity-bare-books-"));
  const started = performance.now();
  for (const f of files) {
    mkdirSync(dirname(join(to, f.path)), { recursive: true });
    writeFileSync(join(to, f.path), f.bytes);
  }
  const ms = performance.now() - started;
  rmSync(to, { recursive: true, force: true });
  return ms;
}

export async function benchBooks(engine: BenchEngine, options: { orgs: number }): Promise<BenchResult> {
  const { database, location } = await engine.fresh();
  const db = database.db;
  await seedBilling(db, options.orgs, 2);
  const signer = loadOrCreateSigner(join(location.path + ".key.pem"));
  const clock = { now: () => new Date("2026-04-01T08:00:00Z") };
  await runBilling(db, { month: "2026-03", actorUserId: 1 }, { clock, signer, invoicePrefix: "RCP", paymentTermsDays: 30 });
  const books = booksLogFrom(signer, { origin: "bench.invalid/books", publicEntries: false });
  const dir = mkdtempSync(join(tmpdir(), "reciprocity-books-"));
  const seller = { name: "Commune Fund", country: "DE", address: "", vatId: undefined, iban: "" };
  let started = performance.now();
  const summary = await exportBooks(db, dir, { books, signer, clock, seller, sellerEmail: "fund@example.org" });
  const exportMs = performance.now() - started;
  await database.close();
  started = performance.now();
  const violation = await verifyBooks(dir);
  const verifyMs = performance.now() - started;
  const files = filesUnder(dir);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const bareMs = bareWrite(dir);
  rmSync(dir, { recursive: true, force: true });
  const ratio = exportMs / bareMs;
  const e = engine.engine;
  return {
    name: `export-books (${e})`,
    ratio,
    target: 50,
    lines: [
      `export-books on ${e}: ${summary.invoices} invoices, ${summary.transactions} ledger entries, log size ${summary.treeSize}; ${files.length} files, ${(bytes / 1_048_576).toFixed(1)} MiB`,
      `  export-books       ${exportMs.toFixed(0).padStart(7)} ms   ${((summary.invoices / exportMs) * 1000).toFixed(0)} invoices/s`,
      `  verify-books       ${verifyMs.toFixed(0).padStart(7)} ms   ${violation === null ? "whole" : `VIOLATION: ${violation}`}`,
      `  bare file write    ${bareMs.toFixed(0).padStart(7)} ms   the same ${files.length} files`,
      `  ratio              ${ratio.toFixed(2).padStart(7)} ×    (export against writing its bytes; target ≤ 50×)`,
    ],
  };
}
