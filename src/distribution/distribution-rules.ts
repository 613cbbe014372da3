// The arithmetic of PRODUCT.md §11 as pure functions: every amount is integer minor units, every split
// is LRM (`splitLargestRemainder`, ties to the lowest position) over weights ordered by the documented
// tie-break — bucket order, then work id, then organization id — so the same inputs give the same
// minor units on every run.
import { assert } from "../shared/errors.js";
import { divideFloor, splitLargestRemainder, toSafeNumber } from "../shared/money.js";
import { TOTAL_SHARE_BPS, TOTAL_SPLIT_WEIGHT, type BucketKind } from "./vocabulary.js";

export interface FeeLine {
  lineId: number;
  workId: number;
  position: number;
  amountMinor: number;
}

/** Orders lines by work id, then position on the invoice: LRM's tie-break for lines. */
const byWorkThenPosition = <T extends { workId: number; position: number }>(lines: readonly T[]): T[] =>
  [...lines].sort((a, b) => a.workId - b.workId || a.position - b.position);

/**
 * Line nets (§11.1): the invoice's total T (after any revenue cap) spread over its fee lines in
 * proportion to their amounts, by LRM. The nets sum to T.
 */
export function lineNets(totalMinor: number, lines: readonly FeeLine[]): { lineId: number; workId: number; netMinor: number }[] {
  const ordered = byWorkThenPosition(lines);
  const gross = ordered.reduce((s, l) => s + l.amountMinor, 0);
  assert(totalMinor <= gross, "a revenue cap only lowers an invoice's total");
  const nets = splitLargestRemainder(
    totalMinor,
    ordered.map((l) => l.amountMinor),
  );
  return ordered.map((l, i) => ({ lineId: l.lineId, workId: l.workId, netMinor: nets[i]! }));
}

export interface LineBalance {
  lineId: number;
  workId: number;
  position: number;
  /** The line's net minus what was attributed to it before (payments less refunds). */
  lackingMinor: number;
  /** What was attributed to the line so far (payments less refunds). */
  attributedMinor: number;
}

/**
 * Attribution (§11.2): a payment x over the invoice's lines in proportion to what each still lacks,
 * by LRM. When x is all that is lacking (the final payment) every line is closed exactly.
 */
export function attributePayment(
  amountMinor: number,
  lines: readonly LineBalance[],
): { lineId: number; workId: number; amountMinor: number }[] {
  const ordered = byWorkThenPosition(lines);
  const lacking = ordered.reduce((s, l) => s + l.lackingMinor, 0);
  assert(amountMinor > 0 && amountMinor <= lacking, `a payment of ${amountMinor} exceeds what the lines lack (${lacking})`);
  const shares = splitLargestRemainder(
    amountMinor,
    ordered.map((l) => l.lackingMinor),
  );
  return ordered.map((l, i) => ({ lineId: l.lineId, workId: l.workId, amountMinor: shares[i]! })).filter((s) => s.amountMinor > 0);
}

/** A refund r takes back from the lines in proportion to what each was attributed, by LRM; amounts returned positive. */
export function attributeRefund(
  amountMinor: number,
  lines: readonly LineBalance[],
): { lineId: number; workId: number; amountMinor: number }[] {
  const ordered = byWorkThenPosition(lines);
  const attributed = ordered.reduce((s, l) => s + l.attributedMinor, 0);
  assert(amountMinor > 0 && amountMinor <= attributed, `a refund of ${amountMinor} exceeds what was attributed (${attributed})`);
  const shares = splitLargestRemainder(
    amountMinor,
    ordered.map((l) => l.attributedMinor),
  );
  return ordered.map((l, i) => ({ lineId: l.lineId, workId: l.workId, amountMinor: shares[i]! })).filter((s) => s.amountMinor > 0);
}

export interface SplitReceiver {
  organizationId: number;
  weight: number;
}

/**
 * Splits (§11.5, Drips' formula): receiver k of a work's share A gets
 * floor(A·W_k/1,000,000) − floor(A·W_{k−1}/1,000,000), W the running sum of weights over receivers in
 * organization id order; what the weights do not cover (and every floor's dust) stays with the licensor.
 */
export function splitWorkShare(
  shareMinor: number,
  receivers: readonly SplitReceiver[],
): { receivers: { organizationId: number; weight: number; amountMinor: number }[]; licensorMinor: number } {
  // Most works have no splits: the licensor keeps the whole share.
  if (receivers.length === 0) return { receivers: [], licensorMinor: shareMinor };
  const ordered = [...receivers].sort((a, b) => a.organizationId - b.organizationId);
  const a = BigInt(shareMinor);
  let running = 0n;
  let previous = 0n;
  const out = ordered.map((r) => {
    running += BigInt(r.weight);
    assert(running <= BigInt(TOTAL_SPLIT_WEIGHT), "split weights sum to at most 1,000,000");
    const cumulative = divideFloor(a * running, BigInt(TOTAL_SPLIT_WEIGHT));
    const amountMinor = toSafeNumber(cumulative - previous);
    previous = cumulative;
    return { organizationId: r.organizationId, weight: r.weight, amountMinor };
  });
  return { receivers: out, licensorMinor: toSafeNumber(a - previous) };
}

export interface BucketRule {
  key: string;
  kind: BucketKind;
  shareBps: number;
  payeeOrganizationId: number | null;
}

/** Buckets (§11.4): the pool split by LRM over the shares, in bucket order. */
export function bucketShares(poolMinor: number, buckets: readonly BucketRule[]): number[] {
  assert(buckets.reduce((s, b) => s + b.shareBps, 0) === TOTAL_SHARE_BPS, "bucket shares sum to 10,000");
  return splitLargestRemainder(
    poolMinor,
    buckets.map((b) => b.shareBps),
  );
}

/** Licensors (§11.5): a bucket split by LRM over works (in id order) in proportion to their cash in the month. */
export function workShares(
  bucketMinor: number,
  works: readonly { workId: number; cashMinor: number }[],
): { workId: number; cashMinor: number; amountMinor: number }[] {
  const ordered = [...works].filter((w) => w.cashMinor > 0).sort((a, b) => a.workId - b.workId);
  if (ordered.length === 0) return [];
  const shares = splitLargestRemainder(
    bucketMinor,
    ordered.map((w) => w.cashMinor),
  );
  return ordered.map((w, i) => ({ ...w, amountMinor: shares[i]! }));
}

export interface Cooperative {
  organizationId: number;
  workerOwners: number;
}

/**
 * Social dividend (§11.6): D (the bucket plus last month's carry) over N worker-owners: per = floor(D ÷ N),
 * each cooperative gets per × its count, the remainder is carried. With no worker-owners all of D is carried.
 */
export function dividendShares(
  dividendMinor: number,
  cooperatives: readonly Cooperative[],
): {
  perCapitaMinor: number;
  workerOwners: number;
  shares: { organizationId: number; workerOwners: number; amountMinor: number }[];
  carriedMinor: number;
} {
  const ordered = [...cooperatives].filter((c) => c.workerOwners > 0).sort((a, b) => a.organizationId - b.organizationId);
  const workerOwners = ordered.reduce((s, c) => s + c.workerOwners, 0);
  if (workerOwners === 0) return { perCapitaMinor: 0, workerOwners: 0, shares: [], carriedMinor: dividendMinor };
  const perCapitaMinor = toSafeNumber(divideFloor(BigInt(dividendMinor), BigInt(workerOwners)));
  const shares = ordered.map((c) => ({ ...c, amountMinor: perCapitaMinor * c.workerOwners }));
  return { perCapitaMinor, workerOwners, shares, carriedMinor: dividendMinor - perCapitaMinor * workerOwners };
}
