// One asset's rent for one month (PRODUCT.md §14): what its bonds are due, the non-extractive cap from the
// lessee's declared surplus, and what the lessee is invoiced. Reads only.
//
// Due: the holders' interest arrears, the month's interest on the outstanding principal (the stored row's
// when the balance is on schedule, else a whole 30/360 month), and the principal of the issue's next stored
// row (every month invoiced takes the next row; once the rows are spent, all that is outstanding: deferred
// principal is repaid at the end, so the term extends). Invoiced: the rent offered, or the due when larger;
// when the cap defers part of the due, exactly the cap. What earlier rent invoices carry and the lessee has
// not paid yet (late or short rent) stays due on those invoices: it is not invoiced a second time.
import { and, count, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { assetSurpluses, bondIssues, bondScheduleRows, rentMonths } from "../db/schema.js";
import type { Asset } from "../assets/assets.queries.js";
import { queryRows, toInt } from "../db/sql.js";
import { capMonth, carriedDue } from "./repayment.js";
import { holdings, monthlyInterestMinor, totalOf } from "./positions.js";
import { DEFAULT_CAP_BPS } from "./vocabulary.js";

export interface RentMonthPlan {
  assetId: number;
  assetTitle: string;
  lesseeOrganizationId: number;
  month: string;
  issueId: number | null;
  currency: string;
  arrearsDueMinor: number;
  interestDueMinor: number;
  principalDueMinor: number;
  capMinor: number | null;
  rentMinor: number;
  deferredMinor: number;
  /** The month's interest the invoice does not carry (the cap's): the holders' arrears from the rent run. */
  deferredInterestMinor: number;
  deferredMonthsInRow: number;
  review: boolean;
}

/** The issue whose bonds a leased asset's rent repays: its latest cleared one. */
async function repayingIssue(db: Db, assetId: number) {
  const [issue] = await db
    .select()
    .from(bondIssues)
    .where(and(eq(bondIssues.assetId, assetId), eq(bondIssues.status, "cleared")))
    .orderBy(desc(bondIssues.id))
    .limit(1);
  return issue;
}

async function declaredSurplus(db: Db, assetId: number, month: string): Promise<number | undefined> {
  const [row] = await db
    .select({ surplusMinor: assetSurpluses.surplusMinor })
    .from(assetSurpluses)
    .where(and(eq(assetSurpluses.assetId, assetId), eq(assetSurpluses.month, month)))
    .orderBy(desc(assetSurpluses.id))
    .limit(1);
  return row?.surplusMinor;
}

async function deferredMonthsBefore(db: Db, assetId: number): Promise<number> {
  const [last] = await db
    .select({ n: rentMonths.deferredMonthsInRow })
    .from(rentMonths)
    .where(eq(rentMonths.assetId, assetId))
    .orderBy(desc(rentMonths.month))
    .limit(1);
  return last?.n ?? 0;
}

/** Arrears and principal the issue's rent invoices carry that their receipts have not paid yet. */
async function pendingOnInvoices(db: Db, issueId: number): Promise<{ arrearsMinor: number; principalMinor: number }> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select m.arrears_due_minor, m.interest_due_minor, m.principal_due_minor, m.rent_minor, coalesce(b.arrears, 0) as arrears, coalesce(b.principal, 0) as principal
        from rent_months m
        left join (select rent_month_id, sum(arrears_minor) as arrears, sum(principal_minor) as principal from bond_receipts group by rent_month_id) b on b.rent_month_id = m.id
        where m.issue_id = ${issueId}`,
  );
  let arrearsMinor = 0;
  let principalMinor = 0;
  for (const r of rows) {
    const carried = carriedDue({
      arrearsDueMinor: toInt(r.arrears_due_minor),
      interestDueMinor: toInt(r.interest_due_minor),
      principalDueMinor: toInt(r.principal_due_minor),
      rentMinor: toInt(r.rent_minor),
    });
    arrearsMinor += Math.max(0, carried.arrearsMinor - toInt(r.arrears));
    principalMinor += Math.max(0, carried.principalMinor - toInt(r.principal));
  }
  return { arrearsMinor, principalMinor };
}

/** The month's rent of a leased or owned asset; undefined for a leased asset without a cleared issue. */
export async function planRentMonth(db: Db, asset: Asset, month: string): Promise<RentMonthPlan | undefined> {
  const base = {
    assetId: asset.id,
    assetTitle: asset.title,
    lesseeOrganizationId: asset.lesseeOrganizationId,
    month,
    currency: asset.currency,
  };
  if (asset.status === "owned") {
    const free = {
      arrearsDueMinor: 0,
      interestDueMinor: 0,
      principalDueMinor: 0,
      capMinor: null,
      deferredMinor: 0,
      deferredInterestMinor: 0,
    };
    return { ...base, ...free, issueId: null, rentMinor: asset.monthlyRentMinor, deferredMonthsInRow: 0, review: false };
  }
  const issue = await repayingIssue(db, asset.id);
  if (!issue) return undefined;
  const held = totalOf(await holdings(db, { issueId: issue.id }));
  const pending = await pendingOnInvoices(db, issue.id);
  const { outstandingMinor } = held;
  const arrearsMinor = Math.max(0, held.arrearsMinor - pending.arrearsMinor);
  const [invoiced] = await db.select({ n: count() }).from(rentMonths).where(eq(rentMonths.issueId, issue.id));
  const [row] = await db
    .select()
    .from(bondScheduleRows)
    .where(and(eq(bondScheduleRows.issueId, issue.id), eq(bondScheduleRows.k, (invoiced?.n ?? 0) + 1)))
    .limit(1);
  const onSchedule = row !== undefined && row.openingMinor === outstandingMinor;
  const interestDueMinor =
    outstandingMinor === 0 ? 0 : onSchedule ? row.interestMinor : monthlyInterestMinor(outstandingMinor, issue.rateBps ?? 0);
  const principalDueMinor = Math.max(0, Math.min(outstandingMinor - pending.principalMinor, row ? row.principalMinor : outstandingMinor));
  const due = { interestArrearsMinor: arrearsMinor, interestMinor: interestDueMinor, principalMinor: principalDueMinor };
  const dueMinor = arrearsMinor + interestDueMinor + principalDueMinor;
  const surplus = await declaredSurplus(db, asset.id, month);
  const capped = surplus === undefined ? undefined : capMonth(due, surplus, await deferredMonthsBefore(db, asset.id), DEFAULT_CAP_BPS);
  const chargedMinor = capped?.chargedMinor ?? dueMinor;
  const deferredMinor = dueMinor - chargedMinor;
  const rentMinor = deferredMinor > 0 ? chargedMinor : Math.max(dueMinor, asset.monthlyRentMinor);
  const carried = carriedDue({ arrearsDueMinor: arrearsMinor, interestDueMinor, principalDueMinor, rentMinor });
  return {
    ...base,
    issueId: issue.id,
    arrearsDueMinor: arrearsMinor,
    interestDueMinor,
    principalDueMinor,
    capMinor: capped?.capMinor ?? null,
    rentMinor,
    deferredMinor,
    deferredInterestMinor: carried.deferredInterestMinor,
    deferredMonthsInRow: capped?.deferredMonthsInRow ?? 0,
    review: capped?.review ?? false,
  };
}
