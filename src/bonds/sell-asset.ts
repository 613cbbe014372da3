// The sale of a returned asset, holders first (PRODUCT.md §14: "unwanted, it is sold, holders first"). One
// transaction: the asset's row locked, the proceeds booked (cash in, the productive asset out at its book
// value, the difference a gain or a loss), the holders of its unredeemed issues paid their interest arrears
// then their outstanding principal pro rata by LRM (interest expense and bond liability to their payables, so
// the ordinary payout batches pay them), what the proceeds could not pay written off as the holders' loss,
// any surplus left to the pool of the month of the sale, and the asset liquidated.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { isUniqueViolation, queryRows, toInt } from "../db/sql.js";
import { assetSaleReceipts, assetSales, bondIssues, distributionRuns } from "../db/schema.js";
import {
  assetSaleGainAccount,
  assetSaleLossAccount,
  bondLiabilityAccount,
  bondsWrittenOffAccount,
  CASH_ACCOUNT,
  INTEREST_EXPENSE_ACCOUNT,
  payableAccount,
  productiveAssetAccount,
} from "../ledger/accounts.js";
import { inParts, postTransactions, type TransferInput } from "../ledger/post-transaction.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { logAssetSold } from "../books/facts.js";
import { lockAsset, type Asset } from "../assets/assets.queries.js";
import { moveAsset } from "../assets/transition-asset.js";
import { holdings, type Holding } from "./positions.js";
import { splitSaleProceeds, type SaleSplit } from "./repayment.js";

export type AssetSale = typeof assetSales.$inferSelect;
export type AssetSaleReceipt = typeof assetSaleReceipts.$inferSelect;

export interface SaleInput {
  assetId: number;
  proceeds: Money;
  soldOn: string;
  reason: string;
}

export async function sellAsset(db: Db, actor: Actor, input: SaleInput, deps: { clock: Clock }): Promise<AssetSale> {
  if (!actor.isTreasurer) throw new AppError("forbidden", "Only a treasurer records an asset's sale.");
  try {
    return await db.transaction(async (tx) => {
      const asset = await lockAsset(tx, input.assetId);
      if (!asset) throw new AppError("not_found", "Asset was not found.");
      await checkSale(tx, asset, input, deps.clock);
      const held = await unredeemedHoldings(tx, asset.id);
      const split = splitSaleProceeds({ proceedsMinor: input.proceeds.amountMinor, holders: held });
      const sale = await writeSale(tx, actor, { asset, input, split, held }, deps.clock);
      await redeemPaidIssues(tx, held, split);
      await moveAsset(tx, asset, "liquidated", `sold on ${input.soldOn}: ${input.reason}`, actor.id, deps.clock);
      return sale;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "The asset's sale is recorded already.");
    throw error;
  }
}

async function checkSale(tx: Db, asset: Asset, input: SaleInput, clock: Clock): Promise<void> {
  if (asset.status !== "returned")
    throw new AppError("invalid_state", `The asset is ${asset.status}; only a returned asset nobody wants is sold.`);
  if (input.proceeds.currency !== asset.currency)
    throw new AppError("validation_failed", `The proceeds must be in ${asset.currency}.`, {
      errors: [{ path: "/proceeds/currency", message: `must be ${asset.currency}` }],
    });
  if (input.soldOn > today(clock))
    throw new AppError("validation_failed", "A sale is recorded once it has happened.", {
      errors: [{ path: "/soldOn", message: "must not be in the future" }],
    });
  const [run] = await tx
    .select({ id: distributionRuns.id })
    .from(distributionRuns)
    .where(and(eq(distributionRuns.month, input.soldOn.slice(0, 7)), eq(distributionRuns.currency, asset.currency)))
    .limit(1);
  if (run)
    throw new AppError(
      "invalid_state",
      `The distribution of ${input.soldOn.slice(0, 7)} has run; a sale's surplus joins the pool of its month.`,
    );
}

/** The holders of the asset's cleared issues (a redeemed issue owes nothing), in issue and subscription order. */
async function unredeemedHoldings(tx: Db, assetId: number): Promise<(Holding & { issueId: number })[]> {
  const issues = await tx
    .select({ id: bondIssues.id })
    .from(bondIssues)
    .where(and(eq(bondIssues.assetId, assetId), eq(bondIssues.status, "cleared")))
    .orderBy(bondIssues.id);
  const held = [];
  for (const issue of issues) held.push(...(await holdings(tx, { issueId: issue.id })));
  return held;
}

/** The asset's book value: what the ledger holds on its productive-asset account. */
async function bookValueMinor(tx: Db, assetId: number): Promise<number> {
  const account = productiveAssetAccount(assetId);
  const [row] = await queryRows<{ v: unknown }>(
    tx,
    sql`select coalesce(sum(case when debit_account = ${account} then amount_minor else -amount_minor end), 0) as v
        from ledger_transfers where debit_account = ${account} or credit_account = ${account}`,
  );
  return toInt(row?.v);
}

async function writeSale(
  tx: Db,
  actor: Actor,
  of: { asset: Asset; input: SaleInput; split: SaleSplit; held: readonly (Holding & { issueId: number })[] },
  clock: Clock,
): Promise<AssetSale> {
  const { asset, input, split } = of;
  const now = isoNow(clock);
  const book = await bookValueMinor(tx, asset.id);
  const [sale] = await tx
    .insert(assetSales)
    .values({
      assetId: asset.id,
      currency: asset.currency,
      proceedsMinor: input.proceeds.amountMinor,
      bookValueMinor: book,
      paidToHoldersMinor: split.paidToHoldersMinor,
      surplusMinor: split.surplusMinor,
      writtenOffMinor: split.writtenOffMinor,
      soldOn: input.soldOn,
      reason: input.reason,
      recordedBy: actor.id,
      createdAt: now,
    })
    .returning();
  const held = new Map(of.held.map((h) => [h.holderId, h]));
  const rows = split.holders
    .map((r) => ({
      saleId: sale!.id,
      issueId: held.get(r.holderId)!.issueId,
      subscriptionId: r.holderId,
      organizationId: held.get(r.holderId)!.organizationId,
      currency: asset.currency,
      arrearsMinor: r.arrearsMinor,
      principalMinor: r.principalMinor,
      arrearsWrittenOffMinor: r.arrearsWrittenOffMinor,
      principalWrittenOffMinor: r.principalWrittenOffMinor,
      paidOn: input.soldOn,
      createdAt: now,
    }))
    .filter((r) => r.arrearsMinor + r.principalMinor + r.arrearsWrittenOffMinor + r.principalWrittenOffMinor > 0);
  await bulkInsert(tx, assetSaleReceipts, rows);
  const entry = await bookSale(tx, sale!, rows, now);
  await logAssetSold(
    tx,
    sale!,
    rows.map((r) => ({
      organizationId: r.organizationId,
      arrearsMinor: r.arrearsMinor,
      principalMinor: r.principalMinor,
      writtenOffMinor: r.arrearsWrittenOffMinor + r.principalWrittenOffMinor,
    })),
    entry,
    now,
  );
  await recordAudit(
    tx,
    {
      actorUserId: actor.id,
      action: "asset.sold",
      entityType: "asset",
      entityId: asset.id,
      before: asset.status,
      after: saleSummary(sale!),
    },
    clock,
  );
  return sale!;
}

const saleSummary = (s: AssetSale) => ({
  saleId: s.id,
  proceedsMinor: s.proceedsMinor,
  paidToHoldersMinor: s.paidToHoldersMinor,
  surplusMinor: s.surplusMinor,
  writtenOffMinor: s.writtenOffMinor,
});

/**
 * Cash in, the asset out at book value, the difference a gain or loss; each holder's arrears from interest
 * expense and principal from the bond liability to its payable; written-off principal ends the liability.
 */
async function bookSale(
  tx: Db,
  sale: AssetSale,
  rows: { issueId: number; organizationId: number; arrearsMinor: number; principalMinor: number; principalWrittenOffMinor: number }[],
  now: string,
): Promise<number | null> {
  const c = sale.currency;
  const t = (debitAccount: string, creditAccount: string, amountMinor: number): TransferInput => ({
    debitAccount,
    creditAccount,
    amountMinor,
    currency: c,
  });
  const transfers: TransferInput[] = [
    t(CASH_ACCOUNT, productiveAssetAccount(sale.assetId), Math.min(sale.proceedsMinor, sale.bookValueMinor)),
    t(CASH_ACCOUNT, assetSaleGainAccount(sale.assetId), Math.max(0, sale.proceedsMinor - sale.bookValueMinor)),
    t(assetSaleLossAccount(sale.assetId), productiveAssetAccount(sale.assetId), Math.max(0, sale.bookValueMinor - sale.proceedsMinor)),
    ...rows.flatMap((r) => [
      t(INTEREST_EXPENSE_ACCOUNT, payableAccount(r.organizationId), r.arrearsMinor),
      t(bondLiabilityAccount(r.issueId), payableAccount(r.organizationId), r.principalMinor),
      t(bondLiabilityAccount(r.issueId), bondsWrittenOffAccount(r.issueId), r.principalWrittenOffMinor),
    ]),
  ];
  // Many holders make many transfers: booked in entries of at most TRANSFERS_PER_ENTRY, as payouts are.
  const parts = inParts(transfers.filter((x) => x.amountMinor > 0));
  const ids = await postTransactions(
    tx,
    parts.map((part, i) => ({
      code: "asset_sold",
      description: `Sale of asset ${sale.assetId} on ${sale.soldOn}, holders first${parts.length > 1 ? ` (part ${i + 1} of ${parts.length})` : ""}`,
      effectiveOn: sale.soldOn,
      transfers: part,
    })),
    now,
  );
  return ids.reduce<number | null>((last, id) => (id === null ? last : Math.max(last ?? 0, id)), null);
}

/** An issue the sale repaid in full is redeemed; one with a loss written off stays cleared, owing nothing. */
async function redeemPaidIssues(tx: Db, held: readonly (Holding & { issueId: number })[], split: SaleSplit): Promise<void> {
  const lost = new Set(
    split.holders
      .filter((r) => r.arrearsWrittenOffMinor + r.principalWrittenOffMinor > 0)
      .map((r) => held.find((h) => h.holderId === r.holderId)!.issueId),
  );
  const paid = [...new Set(held.map((h) => h.issueId))].filter((id) => !lost.has(id));
  if (paid.length > 0) await tx.update(bondIssues).set({ status: "redeemed" }).where(inArray(bondIssues.id, paid));
}
