// The business facts beside the ledger entries, as log payloads: one function per kind, so each
// feature appends its fact in its own transaction with one call and the log's shapes live here.
// Payloads hold integers and strings only (canonical JSON); what the public must not learn (IBANs,
// payee names) stays out, as do lists that could outgrow an entry (a run's allocations and a batch's
// payouts are counted and hashed instead).
import { createHash } from "node:crypto";
import type { Db } from "../db/client.js";
import { appendFact, appendFacts, type Fact } from "./append-fact.js";
import { canonicalJson, withoutAbsent, type CanonicalValue } from "./canonical.js";

// The shapes are written here, not imported, so the features that log them import the books alone.
interface FeeScheduleVersion {
  id: number;
  effectiveOn: string;
  currency: string;
  revenueCapBps: number | null;
  bands: { minHeadcount: number; maxHeadcount: number | null; annualFeeMinor: number }[];
}

interface PolicyVersion {
  id: number;
  effectiveOn: string;
  currency: string;
  minimumPayoutMinor: number;
  buckets: { key: string; kind: string; shareBps: number; payeeOrganizationId: number | null }[];
}

const sha256 = (value: CanonicalValue) => createHash("sha256").update(canonicalJson(value), "utf8").digest("hex");

export async function logRefund(
  tx: Db,
  r: { id: number; invoiceId: number; number: string; amountMinor: number; currency: string; paidOn: string; reference: string },
  at: string,
): Promise<void> {
  const { id, ...rest } = r;
  await appendFact(tx, "refund_recorded", { refundId: id, ...rest }, at);
}

export async function logGrantsRevoked(tx: Db, invoiceId: number, grantIds: string[], revokedOn: string, at: string): Promise<void> {
  await appendFacts(
    tx,
    grantIds.map((grantId) => ({ kind: "grant_revoked" as const, payload: { grantId, invoiceId, revokedOn } })),
    at,
  );
}

export async function logFeeSchedule(tx: Db, version: FeeScheduleVersion, action: "created" | "replaced", at: string): Promise<void> {
  await appendFact(
    tx,
    "fee_schedule_saved",
    withoutAbsent({
      feeScheduleId: version.id,
      action,
      effectiveOn: version.effectiveOn,
      currency: version.currency,
      revenueCapBps: version.revenueCapBps,
      bands: version.bands.map((b) =>
        withoutAbsent({ minHeadcount: b.minHeadcount, maxHeadcount: b.maxHeadcount, annualFeeMinor: b.annualFeeMinor }),
      ),
    }),
    at,
  );
}

export async function logDistributionPolicy(tx: Db, policy: PolicyVersion, at: string): Promise<void> {
  await appendFact(
    tx,
    "distribution_policy_created",
    {
      policyId: policy.id,
      effectiveOn: policy.effectiveOn,
      currency: policy.currency,
      minimumPayoutMinor: policy.minimumPayoutMinor,
      buckets: policy.buckets.map((b) =>
        withoutAbsent({ key: b.key, kind: b.kind, shareBps: b.shareBps, payeeOrganizationId: b.payeeOrganizationId }),
      ),
    },
    at,
  );
}

export interface AllocationFact {
  bucketKey: string;
  organizationId: number | null;
  workId: number | null;
  amountMinor: number;
}

/**
 * SHA-256 of the canonical JSON of the allocation list (absent organization or work left out), written
 * straight into text: the same bytes as `canonicalJson` of the list, without building thousands of objects,
 * fed to the hash in slices of a few hundred allocations (one `update` per allocation cost more than the text).
 */
export function allocationsSha256(allocations: readonly AllocationFact[]): string {
  const hash = createHash("sha256");
  let text = "[";
  for (let i = 0; i < allocations.length; i++) {
    const a = allocations[i]!;
    // Keys in canonical (sorted) order: amountMinor, bucketKey, organizationId, workId.
    if (i > 0) text += ",";
    text += `{"amountMinor":${canonicalJson(a.amountMinor)},"bucketKey":${canonicalJson(a.bucketKey)}`;
    if (a.organizationId !== null) text += `,"organizationId":${canonicalJson(a.organizationId)}`;
    text += a.workId === null ? "}" : `,"workId":${canonicalJson(a.workId)}}`;
    if (text.length > 32_768) {
      hash.update(text, "utf8");
      text = "";
    }
  }
  return hash.update(`${text}]`, "utf8").digest("hex");
}

/**
 * A drafted run: its figures, and its allocations counted and hashed (canonical JSON of the list, in position
 * order). The fact alone, for `prepareFacts`: the run hashes it while its allocations are being inserted.
 */
export function distributionRunDraftedFact(
  run: {
    id: number;
    month: string;
    policyId: number;
    currency: string;
    poolMinor: number;
    poolCarriedMinor: number;
    dividendCarriedMinor: number;
    perCapitaMinor: number;
    workerOwners: number;
  },
  allocations: AllocationFact[],
): Fact {
  const { id, ...figures } = run;
  return {
    kind: "distribution_run_drafted",
    payload: {
      runId: id,
      ...figures,
      allocationCount: allocations.length,
      allocatedMinor: allocations.reduce((s, a) => s + a.amountMinor, 0),
      allocationsSha256: allocationsSha256(allocations),
    },
  };
}

export async function logDistributionRunApproved(
  tx: Db,
  run: { id: number; month: string; ledgerEntryId: number | null; approvedBy: number },
  at: string,
): Promise<void> {
  const { id, ...rest } = run;
  await appendFact(tx, "distribution_run_approved", withoutAbsent({ runId: id, ...rest }), at);
}

export async function logPayoutBatch(
  tx: Db,
  kind: "payout_batch_created" | "payout_batch_confirmed",
  batch: { id: number; messageId: string; executionDate: string; currency: string },
  payouts: { organizationId: number; amountMinor: number }[],
  extra: { ledgerEntryId?: number | null },
  at: string,
): Promise<void> {
  await appendFact(
    tx,
    kind,
    withoutAbsent({
      batchId: batch.id,
      messageId: batch.messageId,
      executionDate: batch.executionDate,
      currency: batch.currency,
      payoutCount: payouts.length,
      totalMinor: payouts.reduce((s, p) => s + p.amountMinor, 0),
      payoutsSha256: sha256(payouts.map((p) => ({ organizationId: p.organizationId, amountMinor: p.amountMinor }))),
      ledgerEntryId: extra.ledgerEntryId,
    }),
    at,
  );
}

export async function logPayoutReturned(
  tx: Db,
  payout: { id: number; batchId: number; organizationId: number; amountMinor: number; currency: string },
  input: { statusBefore: string; reason: string; ledgerEntryId: number | null },
  at: string,
): Promise<void> {
  const { id, ...rest } = payout;
  await appendFact(tx, "payout_returned", withoutAbsent({ payoutId: id, ...rest, ...input }), at);
}

/**
 * A statement, whole: its figures are few and every payee may ask for its proof. The facts alone, for
 * `prepareFacts`: the approval makes their entries while the statements are being inserted.
 */
export function statementIssuedFacts(
  rows: readonly {
    number: string;
    organizationId: number;
    month: string;
    runId: number;
    currency: string;
    openingMinor: number;
    allocatedMinor: number;
    paidOutMinor: number;
    closingMinor: number;
    ledgerTransactionId: number;
  }[],
): Fact[] {
  return rows.map(({ ledgerTransactionId, ...r }) => ({
    kind: "statement_issued" as const,
    payload: { ...r, ledgerEntryId: ledgerTransactionId },
  }));
}

/** A returned asset's sale, holders first (PRODUCT.md §14): the figures, and the holders' receipts counted and hashed. */
export async function logAssetSold(
  tx: Db,
  sale: {
    id: number;
    assetId: number;
    currency: string;
    proceedsMinor: number;
    bookValueMinor: number;
    paidToHoldersMinor: number;
    surplusMinor: number;
    writtenOffMinor: number;
    soldOn: string;
    reason: string;
  },
  receipts: { organizationId: number; arrearsMinor: number; principalMinor: number; writtenOffMinor: number }[],
  ledgerEntryId: number | null,
  at: string,
): Promise<void> {
  const { id, ...rest } = sale;
  await appendFact(
    tx,
    "asset_sold",
    withoutAbsent({
      saleId: id,
      ...rest,
      holderCount: receipts.length,
      receiptsSha256: sha256(receipts.map((r) => ({ ...r }))),
      ledgerEntryId,
    }),
    at,
  );
}
