// Reading bond issues, their subscriptions and stored schedules.
import { createHash } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { lockForUpdate, queryRows } from "../db/sql.js";
import { bondIssues, bondScheduleRows, bondSubscriptions } from "../db/schema.js";
import { moneyJson } from "../shared/money.js";
import type { ScheduleRow } from "./schedule.js";

export type BondIssue = typeof bondIssues.$inferSelect;
export type BondSubscription = typeof bondSubscriptions.$inferSelect;

export async function issueById(db: Db, id: number): Promise<BondIssue | undefined> {
  const [issue] = await db.select().from(bondIssues).where(eq(bondIssues.id, id)).limit(1);
  return issue;
}

/** Inside a transaction: locks the issue's row until the commit, so its subscriptions and clearing run one at a time. */
export async function lockIssue(tx: Db, id: number): Promise<BondIssue | undefined> {
  await queryRows(tx, sql`select ${bondIssues.id} from ${bondIssues} where ${bondIssues.id} = ${id}${lockForUpdate(tx)}`);
  return issueById(tx, id);
}

export async function subscriptionsOf(db: Db, issueId: number): Promise<BondSubscription[]> {
  return db.select().from(bondSubscriptions).where(eq(bondSubscriptions.issueId, issueId)).orderBy(asc(bondSubscriptions.id));
}

export async function storedSchedule(db: Db, issueId: number): Promise<ScheduleRow[]> {
  return db
    .select({
      k: bondScheduleRows.k,
      dueOn: bondScheduleRows.dueOn,
      openingMinor: bondScheduleRows.openingMinor,
      interestMinor: bondScheduleRows.interestMinor,
      principalMinor: bondScheduleRows.principalMinor,
      paymentMinor: bondScheduleRows.paymentMinor,
    })
    .from(bondScheduleRows)
    .where(eq(bondScheduleRows.issueId, issueId))
    .orderBy(asc(bondScheduleRows.k));
}

export const issueView = (i: BondIssue) => ({
  id: i.id,
  assetId: i.assetId,
  target: moneyJson(i.targetMinor, i.currency),
  minimum: moneyJson(i.minimumMinor, i.currency),
  maxRateBps: i.maxRateBps,
  mode: i.mode,
  opensOn: i.opensOn,
  closesOn: i.closesOn,
  termMonths: i.termMonths,
  repayment: i.repayment,
  minSubscription: moneyJson(i.minSubscriptionMinor, i.currency),
  maxPerHolder: moneyJson(i.maxPerHolderMinor, i.currency),
  status: i.status,
  rateBps: i.rateBps,
  sold: i.soldMinor === null ? null : moneyJson(i.soldMinor, i.currency),
  clearedOn: i.clearedOn,
  offerDocument: i.offerDocument,
  offerDocumentSha256: i.offerDocument === null ? null : createHash("sha256").update(i.offerDocument, "utf8").digest("hex"),
});

export const subscriptionView = (s: BondSubscription, currency: string) => ({
  id: s.id,
  issueId: s.issueId,
  organizationId: s.organizationId,
  amount: moneyJson(s.amountMinor, currency),
  bidRateBps: s.bidRateBps,
  allotted: s.allottedMinor === null ? null : moneyJson(s.allottedMinor, currency),
  outcome: s.outcome,
});

export const scheduleRowView = (r: ScheduleRow, currency: string) => ({
  k: r.k,
  dueOn: r.dueOn,
  opening: moneyJson(r.openingMinor, currency),
  interest: moneyJson(r.interestMinor, currency),
  principal: moneyJson(r.principalMinor, currency),
  payment: moneyJson(r.paymentMinor, currency),
});

/** An asset's bond issues, oldest first: the treasurer's page of the asset. */
export async function issuesOfAsset(db: Db, assetId: number): Promise<BondIssue[]> {
  return db.select().from(bondIssues).where(eq(bondIssues.assetId, assetId)).orderBy(asc(bondIssues.id));
}
