// What the venture commune shows: an organization's holdings, the public list of assets, and the rent
// months with the waterfall of what they received.
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { assetSaleReceipts, assetSales, assets, bondIssues, organizations, rentMonths } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { moneyJson } from "../shared/money.js";
import { isPayable } from "../invoices/invoice-rules.js";
import type { InvoiceStatus } from "../invoices/vocabulary.js";

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
        writtenOff: money(h.writtenOffMinor),
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
          (select coalesce(sum(r.principal_minor), 0) from bond_receipts r join bond_issues i on i.id = r.issue_id where i.asset_id = a.id)
          + (select coalesce(sum(x.principal_minor + x.principal_written_off_minor), 0) from asset_sale_receipts x join bond_issues i on i.id = x.issue_id where i.asset_id = a.id) as repaid,
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

/**
 * Every rent month with the waterfall of what it received: the treasurer's view. A month whose invoice is past
 * its due date (`today`) with rent still unpaid is overdue, like any invoice (PRODUCT.md §14: late rent is no default).
 */
export async function rentMonthsWithWaterfall(db: Db, today: string, assetId?: number) {
  const months = await db
    .select()
    .from(rentMonths)
    .where(assetId === undefined ? undefined : eq(rentMonths.assetId, assetId))
    .orderBy(asc(rentMonths.month), asc(rentMonths.assetId));
  const received = await queryRows<Record<string, unknown>>(
    db,
    sql`select m.id, coalesce(b.arrears, 0) as arrears, coalesce(b.interest, 0) as interest, coalesce(b.principal, 0) as principal, coalesce(x.s, 0) as income,
          i.number, i.due_on, i.status
        from rent_months m
        left join invoices i on i.id = m.invoice_id
        left join (select rent_month_id, sum(arrears_minor) as arrears, sum(interest_minor) as interest, sum(principal_minor) as principal
                   from bond_receipts group by rent_month_id) b on b.rent_month_id = m.id
        left join (select rent_month_id, sum(amount_minor) as s from rent_income group by rent_month_id) x on x.rent_month_id = m.id`,
  );
  const byId = new Map(received.map((r) => [toInt(r.id), r]));
  return months.map((m) => {
    const r = byId.get(m.id)!;
    const money = (minor: number) => moneyJson(minor, m.currency);
    const unpaid = m.rentMinor - toInt(r.arrears) - toInt(r.interest) - toInt(r.principal) - toInt(r.income);
    const dueOn = typeof r.due_on === "string" ? r.due_on : null;
    return {
      ...rentMonthView(m),
      invoiceNumber: typeof r.number === "string" ? r.number : null,
      dueOn,
      unpaid: money(unpaid),
      overdue: unpaid > 0 && dueOn !== null && dueOn < today && isPayable(r.status as InvoiceStatus),
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

/** An asset's sale as the API shows it, with each holder's part; undefined while it is unsold. */
export async function assetSaleView(db: Db, assetId: number) {
  const [sale] = await db.select().from(assetSales).where(eq(assetSales.assetId, assetId)).limit(1);
  if (!sale) return undefined;
  const receipts = await db
    .select()
    .from(assetSaleReceipts)
    .where(eq(assetSaleReceipts.saleId, sale.id))
    .orderBy(asc(assetSaleReceipts.id));
  const money = (minor: number) => moneyJson(minor, sale.currency);
  return {
    id: sale.id,
    assetId: sale.assetId,
    soldOn: sale.soldOn,
    reason: sale.reason,
    proceeds: money(sale.proceedsMinor),
    bookValue: money(sale.bookValueMinor),
    paidToHolders: money(sale.paidToHoldersMinor),
    surplus: money(sale.surplusMinor),
    writtenOff: money(sale.writtenOffMinor),
    receipts: receipts.map((r) => ({
      subscriptionId: r.subscriptionId,
      issueId: r.issueId,
      organizationId: r.organizationId,
      arrears: money(r.arrearsMinor),
      principal: money(r.principalMinor),
      writtenOff: money(r.arrearsWrittenOffMinor + r.principalWrittenOffMinor),
    })),
  };
}
