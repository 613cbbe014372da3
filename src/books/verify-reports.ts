// verify-books' check of the exported transparency reports (`reports/{YYYY-MM}.json`): each figure the
// journal and the log can give is recomputed from them and must be the report's — the fund's opening and
// closing balance, invoiced, credited and collected (amounts and organization counts, "<3" included),
// what an approved run gave each bucket, and the status (final exactly when the log holds the month's
// approval). Receivables by age, revenue-cap relief, payers by headcount and the per-work split need
// records the export does not hold (due dates as of the month's end, size facts, allocations) and are
// not recomputed.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CASH_ACCOUNT, distributionExpenseAccount } from "../ledger/accounts.js";
import { monthBounds } from "../fees/compute-fees.js";
import { cell, type Cell } from "./report-cells.js";

export interface ReportPosting {
  transactionId: string;
  effectiveOn: string;
  code: string;
  account: string;
  amountMinor: number;
  currency: string;
}

interface ExportedReport {
  month: string;
  status: string;
  currency: string;
  fund: { opening: { amountMinor: number }; closing: { amountMinor: number } };
  invoiced: Cell;
  credited: Cell;
  collected: Cell;
  distribution: { buckets: ({ bucket: string } & Cell)[] } | null;
}

type Entry = { kind: string; fact: Record<string, unknown> };

/** Returns the first figure that differs, as "reports/…: <figure> …", or null. */
export async function checkReports(dir: string, files: string[], postings: ReportPosting[], entries: Entry[]): Promise<string | null> {
  for (const path of files.filter((f) => /^reports\/\d{4}-\d{2}\.json$/.test(f)).sort()) {
    const report = JSON.parse(await readFile(join(dir, path), "utf8")) as ExportedReport;
    const wrong = checkReport(report, postings, entries);
    if (wrong) return `${path}: ${wrong} differs from the journal`;
  }
  return null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const cellOf = (c: Cell) => ({ organizations: c.organizations, amountMinor: c.amount?.amountMinor ?? null });

function checkReport(r: ExportedReport, postings: ReportPosting[], entries: Entry[]): string | null {
  const { first, last } = monthBounds(r.month);
  const mine = postings.filter((p) => p.currency === r.currency && p.effectiveOn <= last);
  const cash = (before: (d: string) => boolean) =>
    mine.filter((p) => p.account === CASH_ACCOUNT && before(p.effectiveOn)).reduce((s, p) => s + p.amountMinor, 0);
  if (cash((d) => d < first) !== r.fund.opening.amountMinor) return "fund.opening";
  if (cash(() => true) !== r.fund.closing.amountMinor) return "fund.closing";
  const inMonth = mine.filter((p) => p.effectiveOn >= first);
  for (const [figure, code] of [
    ["invoiced", "invoice_issued"],
    ["credited", "invoice_voided"],
    ["collected", "payment_received"],
  ] as const) {
    const ps = inMonth.filter((p) => p.code === code);
    const orgs = new Set(ps.filter((p) => p.account.startsWith("receivable:")).map((p) => p.account));
    const amount = ps.filter((p) => p.amountMinor > 0).reduce((s, p) => s + p.amountMinor, 0);
    if (!same(cellOf(cell(orgs.size, amount, r.currency)), cellOf(r[figure]))) return figure;
  }
  const approval = entries.find((e) => e.kind === "distribution_run_approved" && e.fact.month === r.month);
  if ((r.status === "final") !== (approval !== undefined)) return "status";
  if (approval && r.distribution) {
    const ps = postings.filter((p) => p.transactionId === String(approval.fact.ledgerEntryId));
    for (const b of r.distribution.buckets) {
      if (b.amount === null) continue;
      const booked = ps.filter((p) => p.account === distributionExpenseAccount(b.bucket)).reduce((s, p) => s + p.amountMinor, 0);
      if (booked !== b.amount.amountMinor) return `distribution bucket ${b.bucket}`;
    }
  }
  return null;
}
