// Random sequences of declaring, ending and back-dating usage, billing months in any order and voiding
// invoices: every commercial day is billed exactly once in the end, and the ledger holds after every step.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { and, eq, ne, sql } from "drizzle-orm";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { runBilling } from "../../src/billing/run-billing.js";
import { voidInvoice } from "../../src/invoices/void-invoice.js";
import { endUsage } from "../../src/usage/declare-usage.js";
import { AppError } from "../../src/shared/errors.js";
import { toInt } from "../../src/db/sql.js";
import { invoiceLines, invoices, usages } from "../../src/db/schema.js";
import { inRolledBackTransaction, makeHarness } from "../support/harness.js";
import { billingWorld } from "../support/commune.js";

type Step =
  | { kind: "declare"; org: number; work: number; start: number; length: number | null }
  | { kind: "end"; pick: number; after: number }
  | { kind: "bill"; month: number }
  | { kind: "void"; pick: number };

const DAY = 86_400_000;
const FIRST = Date.UTC(2026, 0, 1);
/** Day n of 2026 (0 = 1 January) as an ISO date. */
const dateOf = (n: number) => new Date(FIRST + n * DAY).toISOString().slice(0, 10);
const LAST_DAY = 211; // 31 July

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant("declare" as const),
      org: fc.integer({ min: 0, max: 2 }),
      work: fc.integer({ min: 0, max: 1 }),
      start: fc.integer({ min: 0, max: LAST_DAY }),
      length: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("end" as const), pick: fc.nat(), after: fc.integer({ min: 0, max: 60 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("bill" as const), month: fc.integer({ min: 1, max: 6 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("void" as const), pick: fc.nat() }), weight: 1 },
);

/** Days of `month` (1–7) covered by any of the intervals, counted day by day. */
function usedDays(month: number, intervals: { startedOn: string; endedOn: string | null }[]): number {
  let days = 0;
  for (let t = Date.UTC(2026, month - 1, 1); t < Date.UTC(2026, month, 1); t += DAY) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (intervals.some((i) => i.startedOn <= d && (i.endedOn === null || d <= i.endedOn))) days++;
  }
  return days;
}

describe("catch-up under random usage and billing", () => {
  it("bills every commercial day exactly once, and the ledger holds throughout", { timeout: 120_000 }, async () => {
    const base = await makeHarness();
    const done = { declare: 0, end: 0, bill: 0, void: 0 };
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), (steps) =>
          inRolledBackTransaction(base, async (h) => {
            const { c, works, firms, deps } = await billingWorld(h);

            let latestBilled = 0;
            for (const s of steps) {
              try {
                if (s.kind === "declare") {
                  const endedOn = s.length === null ? null : dateOf(Math.min(LAST_DAY, s.start + s.length));
                  await c.use(firms[s.org]!, { workSlug: works[s.work]!.slug, purpose: "commercial", startedOn: dateOf(s.start), endedOn });
                  done.declare++;
                } else if (s.kind === "end") {
                  // A usage ends from now on: after the last month billed, so no billed day stops being a used one.
                  const open = await h.db
                    .select()
                    .from(usages)
                    .where(sql`${usages.endedOn} is null`)
                    .orderBy(usages.id);
                  if (open.length === 0) continue;
                  const u = open[s.pick % open.length]!;
                  const from = Math.max((Date.parse(u.startedOn) - FIRST) / DAY, (Date.UTC(2026, latestBilled, 1) - FIRST) / DAY);
                  const org = firms.find((f) => f.id === u.organizationId)!;
                  await endUsage(
                    h.db,
                    org,
                    { usageId: u.id, endedOn: dateOf(Math.min(LAST_DAY, from + s.after)), actorUserId: c.owner.id },
                    { clock: h.clock },
                  );
                  done.end++;
                } else if (s.kind === "bill") {
                  await runBilling(h.db, { month: `2026-0${s.month}`, actorUserId: null }, deps);
                  latestBilled = Math.max(latestBilled, s.month);
                  done.bill++;
                } else {
                  const all = await h.db.select().from(invoices).where(ne(invoices.status, "void")).orderBy(invoices.id);
                  if (all.length === 0) continue;
                  await voidInvoice(h.db, all[s.pick % all.length]!, { reason: "random", actorUserId: c.treasurer.id }, { clock: h.clock });
                  done.void++;
                }
              } catch (err) {
                if (!(err instanceof AppError)) throw err;
              }
              expect(await checkLedger(h.db)).toEqual([]);
            }
            // Every month once, in order, then July: whatever happened, each day is now billed exactly once.
            for (let m = 1; m <= 7; m++) await runBilling(h.db, { month: `2026-0${m}`, actorUserId: null }, deps);
            expect(await checkLedger(h.db)).toEqual([]);
            const billed = await h.db
              .select({
                org: invoices.organizationId,
                workId: invoiceLines.workId,
                month: invoiceLines.month,
                days: sql<number>`coalesce(sum(${invoiceLines.days}), 0)`.mapWith(toInt),
              })
              .from(invoiceLines)
              .innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId))
              .where(and(ne(invoices.status, "void"), eq(invoiceLines.kind, "fee")))
              .groupBy(invoices.organizationId, invoiceLines.workId, invoiceLines.month);
            const all = await h.db.select().from(usages);
            for (const f of firms)
              for (const w of works)
                for (let m = 1; m <= 7; m++) {
                  const month = `2026-0${m}`;
                  const used = usedDays(
                    m,
                    all.filter((u) => u.organizationId === f.id && u.workId === w.id),
                  );
                  const got = billed.find((b) => b.org === f.id && b.workId === w.id && b.month === month)?.days ?? 0;
                  expect(got, `${f.name} ${w.slug} ${month}`).toBe(used);
                }
          }),
        ),
        // A fixed seed: the same sequences every run, and ones that do every kind of step (the counts below).
        { numRuns: 15, seed: 20261125 },
      );
    } finally {
      await base.close();
    }
    expect(done.declare).toBeGreaterThan(0);
    expect(done.bill).toBeGreaterThan(0);
    expect(done.void).toBeGreaterThan(0);
    expect(done.end).toBeGreaterThan(0);
  });
});
