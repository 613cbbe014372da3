// What the venture commune shows: an organization's holdings, the public list of assets, and the rent
// months with the waterfall of what they received.
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { assets, bondIssues, organizations, rentMonths } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { moneyJson } from "../shared/money.js";

type RentMonth = Pick<
  typeof rentMonths.$inferSelect,
  | "assetId"
  | "month"
  | "issueId"
  | "invoiceId"
  | "currency"
  | "arrearsDueMinor"
  | "interestDueMinor"
  | "principalDueMinor"
  | "capMinor"
  | "rentMinor"
  | "deferredMinor"
  | "deferredMonthsInRow"
  | "review"
>;
import { requireOrganizationAccess } from "../organizations/organizations.queries.js";
import { holdings } from "./positions.js";

/** Bonds the organization holds (allotted subscriptions), with what they have received. */
export async function organizationHoldings(db: Db, actor: Actor, organizationId: number) {
  await requireOrganizationAccess(db, actor, organizationId);
  const held = await holdings(db, { organizationId });
  const issueIds = [...new Set(held.map((h) => h.issueId))];
  const issues =
    issueIds.length === 0
      ? []
      : await db
          .select({ issue: bondIssues, assetTitle: assets.title })
          .from(bondIssues)
          .innerJoin(assets, eq(assets.id, bondIssues.assetId))
          .where(inArray(bondIssues.id, issueIds));
  const byId = new Map(issues.map((i) => [i.issue.id, i]));
  return {
    organizationId,
    holdings: held.map((h) => {
      const { issue, assetTitle } = byId.get(h.issueId)!;
      const money = (minor: number) => moneyJson(minor, issue.currency);
      return {
        subscriptionId: h.holderId,
        issueId: h.issueId,
        assetId: issue.assetId,
        assetTitle,
        issueStatus: issue.status,
        rateBps: issue.rateBps ?? 0,
        allotted: money(h.allottedMinor),
        outstanding: money(h.outstandingMinor),
        interestArrears: money(h.interestArrearsMinor),
        interestReceived: money(h.interestReceivedMinor),
        principalReceived: money(h.principalReceivedMinor),
      };
    }),
  };
}

/** The public summary of every asset past its proposal: lessee, status, bonds outstanding, rent collected. */
export async function publicAssets(db: Db) {
  const rows = await db
    .select({ asset: assets, lessee: organizations.name })
    .from(assets)
    .innerJoin(organizations, eq(organizations.id, assets.lesseeOrganizationId))
    .orderBy(asc(assets.id));
  const figures = await queryRows<Record<string, unknown>>(
    db,
    sql`select a.id,
          (select coalesce(sum(i.sold_minor), 0) from bond_issues i where i.asset_id = a.id and i.status in ('cleared', 'redeemed')) as sold,
          (select coalesce(sum(r.principal_minor), 0) from bond_receipts r join bond_issues i on i.id = r.issue_id where i.asset_id = a.id) as repaid,
          (select coalesce(sum(r.arrears_minor + r.interest_minor + r.principal_minor), 0) from bond_receipts r join rent_months m on m.id = r.rent_month_id where m.asset_id = a.id)
          + (select coalesce(sum(x.amount_minor), 0) from rent_income x where x.asset_id = a.id) as collected
        from assets a`,
  );
  const byId = new Map(figures.map((f) => [toInt(f.id), f]));
  return rows
    .filter(({ asset }) => asset.status !== "proposed")
    .map(({ asset, lessee }) => {
      const f = byId.get(asset.id)!;
      return {
        id: asset.id,
        title: asset.title,
        lessee,
        status: asset.status,
        cost: moneyJson(asset.costMinor, asset.currency),
        monthlyRent: moneyJson(asset.monthlyRentMinor, asset.currency),
        bondsOutstanding: moneyJson(toInt(f.sold) - toInt(f.repaid), asset.currency),
        rentCollected: moneyJson(toInt(f.collected), asset.currency),
      };
    });
}

/** Every rent month with the waterfall of what it received: the treasurer's view. */
export async function rentMonthsWithWaterfall(db: Db) {
  const months = await db.select().from(rentMonths).orderBy(asc(rentMonths.month), asc(rentMonths.assetId));
  const received = await queryRows<Record<string, unknown>>(
    db,
    sql`select m.id, coalesce(b.arrears, 0) as arrears, coalesce(b.interest, 0) as interest, coalesce(b.principal, 0) as principal, coalesce(x.s, 0) as income
        from rent_months m
        left join (select rent_month_id, sum(arrears_minor) as arrears, sum(interest_minor) as interest, sum(principal_minor) as principal
                   from bond_receipts group by rent_month_id) b on b.rent_month_id = m.id
        left join (select rent_month_id, sum(amount_minor) as s from rent_income group by rent_month_id) x on x.rent_month_id = m.id`,
  );
  const byId = new Map(received.map((r) => [toInt(r.id), r]));
  return months.map((m) => {
    const r = byId.get(m.id)!;
    const money = (minor: number) => moneyJson(minor, m.currency);
    return {
      ...rentMonthView(m),
      received: {
        arrears: money(toInt(r.arrears)),
        interest: money(toInt(r.interest)),
        principal: money(toInt(r.principal)),
        rentIncome: money(toInt(r.income)),
      },
    };
  });
}

/** A rent month as the API shows it: what was due, the cap, the rent invoiced and what was deferred. */
export function rentMonthView(m: RentMonth) {
  const money = (minor: number) => moneyJson(minor, m.currency);
  return {
    assetId: m.assetId,
    month: m.month,
    issueId: m.issueId,
    invoiceId: m.invoiceId,
    due: { arrears: money(m.arrearsDueMinor), interest: money(m.interestDueMinor), principal: money(m.principalDueMinor) },
    cap: m.capMinor === null ? null : money(m.capMinor),
    rent: money(m.rentMinor),
    deferred: money(m.deferredMinor),
    deferredMonthsInRow: m.deferredMonthsInRow,
    review: m.review,
  };
}
