// The rent run of a month (PRODUCT.md §14): every leased or owned asset's rent, invoiced to its lessee through
// the ordinary invoices — one invoice per lessee with a `rent` line per asset, numbered from the same gapless
// sequence, booked as receivable against the asset's rent income — and each asset's month recorded with the
// bonds' due, the cap and what was deferred. One transaction; the year's number row is locked first, so runs
// of the month run one after the other and a second run invoices only assets the first did not.
import { and, asc, eq, inArray, max } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { assetEvents, assets, bondDeferrals, invoiceLines, invoices, organizations, rentMonths } from "../db/schema.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { splitLargestRemainder } from "../shared/money.js";
import { holdings } from "./positions.js";
import type { Actor } from "../shared/actor.js";
import { isoNow } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { assertMonthOver } from "../billing/run-billing.js";
import { feeScheduleOn } from "../fees/fee-schedules.queries.js";
import { monthBounds } from "../fees/compute-fees.js";
import { InvoiceNumberer, issueTerms, recordIssues, type IssuedInvoice, type IssueTerms } from "../invoices/issue-invoice.js";
import { issuedStatus } from "../invoices/invoice-rules.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";
import { planRentMonth, type RentMonthPlan } from "./plan-rent.js";

export interface RentRun {
  month: string;
  invoices: IssuedInvoice[];
  months: (RentMonthPlan & { invoiceId: number | null })[];
  /** Lessees with a rent invoice of the month already (one rent invoice per lessee and month): not invoiced again. */
  skipped: { organizationId: number; assetIds: number[] }[];
}

/** `actor` null: the command line, run by whoever runs the server (like `billing run`). */
export async function runRent(db: Db, actor: Actor | null, month: string, deps: InvoicingDeps): Promise<RentRun> {
  if (actor && !actor.isTreasurer) throw new AppError("forbidden", "Only a treasurer runs the rent.");
  assertMonthOver(month, deps.clock);
  const terms = issueTerms(deps);
  return db.transaction(async (tx) => {
    const numberer = await InvoiceNumberer.open(tx, deps.invoicePrefix, terms.year);
    const plans = await monthPlans(tx, month);
    const byLessee = new Map<number, RentMonthPlan[]>();
    for (const p of plans) byLessee.set(p.lesseeOrganizationId, [...(byLessee.get(p.lesseeOrganizationId) ?? []), p]);
    const run: RentRun = { month, invoices: [], months: [], skipped: [] };
    for (const [organizationId, lessee] of byLessee) {
      const billed = lessee.filter((p) => p.rentMinor > 0);
      const [taken] = await tx
        .select({ id: invoices.id })
        .from(invoices)
        .where(and(eq(invoices.organizationId, organizationId), eq(invoices.month, month), eq(invoices.kind, "rent")));
      if (taken && billed.length > 0) {
        run.skipped.push({ organizationId, assetIds: lessee.map((p) => p.assetId) });
        continue;
      }
      const at = { month, terms, numberer, now: isoNow(deps.clock) };
      const invoice = billed.length > 0 ? await writeRentInvoice(tx, organizationId, billed, at) : undefined;
      if (invoice) run.invoices.push(invoice);
      run.months.push(...lessee.map((p) => ({ ...p, invoiceId: p.rentMinor > 0 ? (invoice?.id ?? null) : null })));
    }
    await numberer.flush();
    await recordIssues(tx, run.invoices, terms.issuedOn, deps);
    await writeRentMonths(tx, run.months, isoNow(deps.clock));
    await recordAudit(
      tx,
      { actorUserId: actor?.id ?? null, action: "rent.run", entityType: "rent_month", entityId: month, before: null, after: summary(run) },
      deps.clock,
    );
    return run;
  });
}

const summary = (run: RentRun) => ({
  month: run.month,
  invoices: run.invoices.map((i) => i.number),
  assets: run.months.map((m) => m.assetId),
  review: run.months.filter((m) => m.review).map((m) => m.assetId),
});

/** The month's plan of every leased or owned asset not invoiced for the month yet. */
async function monthPlans(tx: Db, month: string): Promise<RentMonthPlan[]> {
  const done = new Set((await tx.select({ id: rentMonths.assetId }).from(rentMonths).where(eq(rentMonths.month, month))).map((r) => r.id));
  const renting = await tx
    .select()
    .from(assets)
    .where(inArray(assets.status, ["leased", "owned"]))
    .orderBy(asc(assets.id));
  const leasedOn = await lastLeasedOn(tx);
  const { last } = monthBounds(month);
  // A month that ended before the asset was leased owes no rent.
  const rented = renting.filter((a) => !done.has(a.id) && (leasedOn.get(a.id) ?? "") <= last);
  const plans: RentMonthPlan[] = [];
  for (const asset of rented) {
    const plan = await planRentMonth(tx, asset, month);
    if (plan) plans.push(plan);
  }
  return plans;
}

/** The day each asset was last leased (`YYYY-MM-DD`), from its lifecycle. */
async function lastLeasedOn(tx: Db): Promise<Map<number, string>> {
  const rows = await tx
    .select({ assetId: assetEvents.assetId, at: max(assetEvents.createdAt) })
    .from(assetEvents)
    .where(eq(assetEvents.toStatus, "leased"))
    .groupBy(assetEvents.assetId);
  return new Map(rows.map((r) => [r.assetId, (r.at ?? "").slice(0, 10)]));
}

async function writeRentInvoice(
  tx: Db,
  organizationId: number,
  billed: RentMonthPlan[],
  at: { month: string; terms: IssueTerms; numberer: InvoiceNumberer; now: string },
): Promise<IssuedInvoice> {
  const [buyer] = await tx.select().from(organizations).where(eq(organizations.id, organizationId));
  const schedule = await feeScheduleOn(tx, monthBounds(at.month).first);
  const totalMinor = billed.reduce((s, p) => s + p.rentMinor, 0);
  const number = at.numberer.next();
  const [invoice] = await tx
    .insert(invoices)
    .values({
      number,
      organizationId,
      month: at.month,
      kind: "rent",
      status: issuedStatus(totalMinor),
      currency: billed[0]!.currency,
      totalMinor,
      issuedOn: at.terms.issuedOn,
      dueOn: at.terms.dueOn,
      feeScheduleId: schedule.id,
      note: "Rent of productive assets of the commune",
      buyerName: buyer!.name,
      buyerCountry: buyer!.country,
      createdAt: at.now,
    })
    .returning({ id: invoices.id });
  await tx.insert(invoiceLines).values(
    billed.map((p, i) => ({
      invoiceId: invoice!.id,
      position: i + 1,
      kind: "rent" as const,
      assetId: p.assetId,
      description: `Rent of ${p.assetTitle}, ${at.month}`,
      amountMinor: p.rentMinor,
      month: at.month,
    })),
  );
  return {
    id: invoice!.id,
    number,
    organizationId,
    month: at.month,
    totalMinor,
    currency: billed[0]!.currency,
    rentLines: billed.map((p) => ({ assetId: p.assetId, amountMinor: p.rentMinor })),
  };
}

async function writeRentMonths(tx: Db, months: RentRun["months"], createdAt: string): Promise<void> {
  if (months.length === 0) return;
  const written = await tx
    .insert(rentMonths)
    .values(
      months.map((m) => ({
        assetId: m.assetId,
        month: m.month,
        issueId: m.issueId,
        invoiceId: m.invoiceId,
        currency: m.currency,
        arrearsDueMinor: m.arrearsDueMinor,
        interestDueMinor: m.interestDueMinor,
        principalDueMinor: m.principalDueMinor,
        capMinor: m.capMinor,
        rentMinor: m.rentMinor,
        deferredMinor: m.deferredMinor,
        deferredMonthsInRow: m.deferredMonthsInRow,
        review: m.review,
        createdAt,
      })),
    )
    .returning({ id: rentMonths.id, assetId: rentMonths.assetId });
  const ids = new Map(written.map((w) => [w.assetId, w.id]));
  for (const m of months)
    if (m.issueId !== null && m.deferredInterestMinor > 0) await writeDeferrals(tx, ids.get(m.assetId)!, m, createdAt);
}

/** The month's interest the cap deferred becomes each holder's arrears, by LRM of the outstanding principal. */
async function writeDeferrals(tx: Db, rentMonthId: number, m: RentRun["months"][number], createdAt: string): Promise<void> {
  const hs = await holdings(tx, { issueId: m.issueId! });
  const shares = splitLargestRemainder(
    m.deferredInterestMinor,
    hs.map((h) => h.outstandingMinor),
  );
  const rows = hs
    .map((h, i) => ({
      rentMonthId,
      issueId: m.issueId!,
      subscriptionId: h.holderId,
      organizationId: h.organizationId,
      currency: m.currency,
      interestMinor: shares[i]!,
      createdAt,
    }))
    .filter((r) => r.interestMinor > 0);
  await bulkInsert(tx, bondDeferrals, rows);
}
