// Where a cleared bond issue stands: each holder's outstanding principal and interest arrears, read from the
// allotments, the cap's deferrals, the waterfall's receipts and an asset's sale (all append-only, so positions
// are never stored, only summed).
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { divideRoundHalfUp, toSafeNumber } from "../shared/money.js";
import type { HolderPosition } from "./repayment.js";
import { MONTHLY_RATE_DENOMINATOR } from "./vocabulary.js";

export interface Holding extends HolderPosition {
  /** The subscription: a holder of several subscriptions holds each by itself. */
  holderId: number;
  organizationId: number;
  allottedMinor: number;
  interestReceivedMinor: number;
  principalReceivedMinor: number;
  /** Principal and arrears the sale of the asset could not pay: the holder's loss. */
  writtenOffMinor: number;
}

/** The holdings of one issue (allotted subscriptions, in subscription order), or of one organization. */
export async function holdings(
  db: Db,
  where: { issueId: number } | { organizationId: number },
): Promise<(Holding & { issueId: number })[]> {
  const filter = "issueId" in where ? sql`s.issue_id = ${where.issueId}` : sql`s.organization_id = ${where.organizationId}`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select s.id, s.issue_id, s.organization_id, s.allotted_minor,
          coalesce(r.arrears, 0) as arrears, coalesce(r.interest, 0) as interest, coalesce(r.principal, 0) as principal,
          coalesce(r.deferred, 0) + coalesce(d.deferred, 0) as deferred,
          coalesce(x.arrears, 0) as sale_arrears, coalesce(x.principal, 0) as sale_principal,
          coalesce(x.arrears_off, 0) as arrears_off, coalesce(x.principal_off, 0) as principal_off
        from bond_subscriptions s
        left join (select subscription_id, sum(arrears_minor) as arrears, sum(interest_minor) as interest, sum(principal_minor) as principal,
                     sum(deferred_interest_minor) as deferred from bond_receipts group by subscription_id) r on r.subscription_id = s.id
        left join (select subscription_id, sum(interest_minor) as deferred from bond_deferrals group by subscription_id) d on d.subscription_id = s.id
        left join (select subscription_id, sum(arrears_minor) as arrears, sum(principal_minor) as principal,
                     sum(arrears_written_off_minor) as arrears_off, sum(principal_written_off_minor) as principal_off
                   from asset_sale_receipts group by subscription_id) x on x.subscription_id = s.id
        where ${filter} and s.allotted_minor > 0 order by s.id`,
  );
  return rows.map((r) => {
    const allotted = toInt(r.allotted_minor);
    const arrearsPaid = toInt(r.arrears) + toInt(r.sale_arrears);
    const principal = toInt(r.principal) + toInt(r.sale_principal);
    return {
      holderId: toInt(r.id),
      issueId: toInt(r.issue_id),
      organizationId: toInt(r.organization_id),
      allottedMinor: allotted,
      outstandingMinor: allotted - principal - toInt(r.principal_off),
      interestArrearsMinor: toInt(r.deferred) - arrearsPaid - toInt(r.arrears_off),
      interestReceivedMinor: arrearsPaid + toInt(r.interest),
      principalReceivedMinor: principal,
      writtenOffMinor: toInt(r.principal_off) + toInt(r.arrears_off),
    };
  });
}

/** A whole month's simple interest on a balance (30/360), rounded half-up. */
export function monthlyInterestMinor(balanceMinor: number, rateBps: number): number {
  return toSafeNumber(divideRoundHalfUp(BigInt(balanceMinor) * BigInt(rateBps), MONTHLY_RATE_DENOMINATOR));
}

export const totalOf = (hs: readonly HolderPosition[]) => ({
  outstandingMinor: hs.reduce((s, h) => s + h.outstandingMinor, 0),
  arrearsMinor: hs.reduce((s, h) => s + h.interestArrearsMinor, 0),
});
