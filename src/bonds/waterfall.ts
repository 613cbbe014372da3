// The waterfall of a rent payment (PRODUCT.md §14), in the payment's own transaction: the payment is spread
// over its invoice's rent months (in order, each up to what it still lacks); each month's part pays the
// arrears the month invoiced, then the month's interest it invoiced, then principal, to each holder by LRM
// (`splitRentReceipt`), booked as interest expense and bond liability moved to the holders' payables, so the
// ordinary payout batches pay them. What is beyond the bonds' due (all of it once the asset is owned) is rent
// income of the month: it joins the month's pool. The receipt that repays the last of the principal and
// arrears redeems the issue, and the commune owns the asset outright. A late or short payment is no deferral:
// what its invoice still lacks stays due on the invoice (overdue, reminded), and when it arrives it pays that
// month's interest and principal as they were invoiced, without penalty (interest never compounds). Only the
// cap defers interest into arrears, at the rent run (`bond_deferrals`).
import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { queryRows, toInt } from "../db/sql.js";
import { bondIssues, bondReceipts, rentIncome, rentMonths } from "../db/schema.js";
import { bondLiabilityAccount, INTEREST_EXPENSE_ACCOUNT, payableAccount } from "../ledger/accounts.js";
import { inParts, postTransactions, type TransferInput } from "../ledger/post-transaction.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { lockAsset } from "../assets/assets.queries.js";
import { moveAsset } from "../assets/transition-asset.js";
import { carriedDue, splitRentReceipt } from "./repayment.js";
import { holdings, totalOf, type Holding } from "./positions.js";
import { lockIssue } from "./bonds.queries.js";

export interface RentPayment {
  id: number;
  invoiceId: number;
  amountMinor: number;
  currency: string;
  paidOn: string;
}

type RentMonth = typeof rentMonths.$inferSelect;

/** What each rent month of the invoice has received so far (bond receipts and rent income). */
async function receivedSoFar(tx: Db, invoiceId: number) {
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`select m.id, coalesce(b.paid, 0) as paid, coalesce(b.arrears, 0) as arrears, coalesce(b.interest, 0) as interest, coalesce(b.principal, 0) as principal,
          coalesce(i.s, 0) as income
        from rent_months m
        left join (select rent_month_id, sum(arrears_minor + interest_minor + principal_minor) as paid, sum(arrears_minor) as arrears,
                     sum(interest_minor + deferred_interest_minor) as interest, sum(principal_minor) as principal
                   from bond_receipts group by rent_month_id) b on b.rent_month_id = m.id
        left join (select rent_month_id, sum(amount_minor) as s from rent_income group by rent_month_id) i on i.rent_month_id = m.id
        where m.invoice_id = ${invoiceId}`,
  );
  return new Map(
    rows.map((r) => [
      toInt(r.id),
      { paid: toInt(r.paid) + toInt(r.income), arrears: toInt(r.arrears), interest: toInt(r.interest), principal: toInt(r.principal) },
    ]),
  );
}

/** Splits a payment of an invoice with rent lines; does nothing for other invoices. */
export async function splitRentPayment(tx: Db, payment: RentPayment, clock: Clock): Promise<void> {
  const months = await tx.select().from(rentMonths).where(eq(rentMonths.invoiceId, payment.invoiceId)).orderBy(asc(rentMonths.id));
  if (months.length === 0) return;
  const received = await receivedSoFar(tx, payment.invoiceId);
  let left = payment.amountMinor;
  for (const month of months) {
    const so = received.get(month.id)!;
    const part = Math.min(left, month.rentMinor - so.paid);
    left -= part;
    if (part > 0) await splitMonthPart(tx, payment, month, { part, ...so }, clock);
  }
}

async function splitMonthPart(
  tx: Db,
  payment: RentPayment,
  month: RentMonth,
  amounts: { part: number; arrears: number; interest: number; principal: number },
  clock: Clock,
): Promise<void> {
  const now = isoNow(clock);
  let excess = amounts.part;
  if (month.issueId !== null) {
    const issue = await lockIssue(tx, month.issueId);
    const hs = await holdings(tx, { issueId: month.issueId });
    const carried = carriedDue(month);
    const split = splitRentReceipt({
      receivedMinor: amounts.part,
      arrearsDueMinor: Math.max(0, carried.arrearsMinor - amounts.arrears),
      interestDueMinor: Math.max(0, carried.interestMinor - amounts.interest),
      principalDueMinor: Math.max(0, carried.principalMinor - amounts.principal),
      holders: hs,
    });
    excess = split.excessMinor;
    const byHolder = new Map(hs.map((h) => [h.holderId, h]));
    const rows = split.holders
      .filter((r) => r.arrearsMinor + r.interestMinor + r.principalMinor > 0)
      .map((r) => ({
        rentMonthId: month.id,
        paymentId: payment.id,
        issueId: month.issueId!,
        subscriptionId: r.holderId,
        organizationId: byHolder.get(r.holderId)!.organizationId,
        currency: payment.currency,
        arrearsMinor: r.arrearsMinor,
        interestMinor: r.interestMinor,
        principalMinor: r.principalMinor,
        // The invoice still carries what this receipt left of the month's interest: it is no arrears.
        deferredInterestMinor: 0,
        paidOn: payment.paidOn,
        createdAt: now,
      }));
    await bulkInsert(tx, bondReceipts, rows);
    await bookReceipts(tx, month, rows, payment, now);
    await redeemIfRepaid(tx, issue!.id, month.assetId, clock);
  }
  if (excess > 0)
    await tx.insert(rentIncome).values({
      rentMonthId: month.id,
      paymentId: payment.id,
      assetId: month.assetId,
      currency: payment.currency,
      amountMinor: excess,
      paidOn: payment.paidOn,
      createdAt: now,
    });
}

/** Interest (and arrears) from interest expense, principal from the bond liability, each to the holder's payable. */
async function bookReceipts(
  tx: Db,
  month: RentMonth,
  rows: { organizationId: number; arrearsMinor: number; interestMinor: number; principalMinor: number; currency: string }[],
  payment: RentPayment,
  now: string,
): Promise<void> {
  const transfers: TransferInput[] = rows.flatMap((r) => [
    {
      debitAccount: INTEREST_EXPENSE_ACCOUNT,
      creditAccount: payableAccount(r.organizationId),
      amountMinor: r.arrearsMinor + r.interestMinor,
      currency: r.currency,
    },
    {
      debitAccount: bondLiabilityAccount(month.issueId!),
      creditAccount: payableAccount(r.organizationId),
      amountMinor: r.principalMinor,
      currency: r.currency,
    },
  ]);
  // Many holders make many transfers: booked in entries of at most TRANSFERS_PER_ENTRY, as payouts are.
  const parts = inParts(transfers.filter((t) => t.amountMinor > 0));
  await postTransactions(
    tx,
    parts.map((part, i) => ({
      code: "rent_receipt_split",
      description:
        `Rent of asset ${month.assetId}, ${month.month}: payment ${payment.id} to the holders of bond issue ${month.issueId}` +
        (parts.length > 1 ? ` (part ${i + 1} of ${parts.length})` : ""),
      effectiveOn: payment.paidOn,
      transfers: part,
    })),
    now,
  );
}

/** Once no principal or arrears is outstanding, the issue is redeemed and the asset the commune's. */
async function redeemIfRepaid(tx: Db, issueId: number, assetId: number, clock: Clock): Promise<void> {
  const hs: Holding[] = await holdings(tx, { issueId });
  const { outstandingMinor, arrearsMinor } = totalOf(hs);
  if (outstandingMinor > 0 || arrearsMinor > 0) return;
  await tx.update(bondIssues).set({ status: "redeemed" }).where(eq(bondIssues.id, issueId));
  const asset = await lockAsset(tx, assetId);
  if (asset?.status === "leased") await moveAsset(tx, asset, "owned", `bond issue ${issueId} redeemed`, null, clock);
}
