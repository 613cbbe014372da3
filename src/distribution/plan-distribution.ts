// The decision of a distribution run (PRODUCT.md §11.3–§11.6), in plain code: from the month's cash per
// work, the policy, the splits and the verified cooperatives to every allocation with its basis. Nothing
// here reads or writes the database; the allocations, the dividend carried and the pool always add up:
// sum(allocations) + dividend carried − dividend carried in = pool.
import { assert } from "../shared/errors.js";
import {
  bucketShares,
  dividendShares,
  splitWorkShare,
  workShares,
  type BucketRule,
  type Cooperative,
  type SplitReceiver,
} from "./distribution-rules.js";
import type { AllocationBasis, BucketKind } from "./vocabulary.js";

export interface WorkCash {
  workId: number;
  licensorOrganizationId: number;
  /** Attributions of the month to the work: payments less refunds. */
  cashMinor: number;
  /** How many attributions (payments' shares, refunds' take-backs) make up the cash: trace them by month and work. */
  attributions: number;
  receivers: SplitReceiver[];
}

export interface DistributionInputs {
  /** The month's attributions, refunds subtracted. */
  attributedMinor: number;
  /** The month's rent income left after the bonds (PRODUCT.md §14): it joins the pool as social dividend. */
  rentMinor?: number;
  /** A deficit (≤ 0) left by last month's run. */
  poolCarryInMinor: number;
  dividendCarryInMinor: number;
  buckets: BucketRule[];
  works: WorkCash[];
  cooperatives: Cooperative[];
}

export interface PlannedAllocation {
  bucketKey: string;
  bucketKind: BucketKind;
  organizationId: number | null;
  workId: number | null;
  amountMinor: number;
  basis: { kind: AllocationBasis } & Record<string, number | string>;
}

export interface DistributionPlan {
  poolMinor: number;
  poolCarriedMinor: number;
  dividendCarriedMinor: number;
  perCapitaMinor: number;
  workerOwners: number;
  allocations: PlannedAllocation[];
}

export function planDistribution(input: DistributionInputs): DistributionPlan {
  assert(input.poolCarryInMinor <= 0 && input.dividendCarryInMinor >= 0, "carries have their sign");
  const net = input.attributedMinor + input.poolCarryInMinor;
  const rentMinor = input.rentMinor ?? 0;
  // Rent is not the works': it goes to the dividend bucket (to the buckets' shares without one).
  const rentToDividend = input.buckets.some((b) => b.kind === "dividend") ? rentMinor : 0;
  const poolMinor = Math.max(0, net) + rentMinor;
  const shares = bucketShares(poolMinor - rentToDividend, input.buckets);
  const dividendIndex = input.buckets.findIndex((b) => b.kind === "dividend");
  if (dividendIndex >= 0) shares[dividendIndex]! += rentToDividend;
  const allocations: PlannedAllocation[] = [];
  let dividend = { perCapitaMinor: 0, workerOwners: 0, carriedMinor: input.dividendCarryInMinor };
  input.buckets.forEach((bucket, i) => {
    const amountMinor = shares[i]!;
    if (bucket.kind === "licensors") allocations.push(...licensorAllocations(bucket, amountMinor, input.works));
    else if (bucket.kind === "dividend") {
      const d = dividendShares(amountMinor + input.dividendCarryInMinor, input.cooperatives);
      dividend = d;
      for (const s of d.shares)
        allocations.push(
          allocation(bucket, s.organizationId, null, s.amountMinor, {
            kind: "per_capita",
            perCapitaMinor: d.perCapitaMinor,
            workerOwners: s.workerOwners,
          }),
        );
    } else {
      const organizationId = bucket.kind === "fixed" ? bucket.payeeOrganizationId : null;
      allocations.push(
        allocation(bucket, organizationId, null, amountMinor, {
          kind: bucket.kind === "fixed" ? "fixed" : "reserve",
          shareBps: bucket.shareBps,
        }),
      );
    }
  });
  const planned = allocations.filter((a) => a.amountMinor > 0);
  const allocated = planned.reduce((s, a) => s + a.amountMinor, 0);
  assert(
    allocated + dividend.carriedMinor - input.dividendCarryInMinor === poolMinor,
    "the allocations and the carry account for the pool",
  );
  return {
    poolMinor,
    poolCarriedMinor: Math.min(0, net),
    dividendCarriedMinor: dividend.carriedMinor,
    perCapitaMinor: dividend.perCapitaMinor,
    workerOwners: dividend.workerOwners,
    allocations: planned,
  };
}

function allocation(
  bucket: BucketRule,
  organizationId: number | null,
  workId: number | null,
  amountMinor: number,
  basis: PlannedAllocation["basis"],
): PlannedAllocation {
  return { bucketKey: bucket.key, bucketKind: bucket.kind, organizationId, workId, amountMinor, basis };
}

/** The licensors bucket over works by their cash, each work's share through its splits; the licensor keeps the rest. */
function licensorAllocations(bucket: BucketRule, bucketMinor: number, works: WorkCash[]): PlannedAllocation[] {
  const byId = new Map(works.map((w) => [w.workId, w]));
  const out: PlannedAllocation[] = [];
  for (const share of workShares(bucketMinor, works)) {
    const work = byId.get(share.workId)!;
    const common = { workCashMinor: work.cashMinor, attributions: work.attributions, workShareMinor: share.amountMinor };
    // Most works have no splits: the licensor's one allocation, without sorting a list of one.
    if (work.receivers.length === 0) {
      out.push(allocation(bucket, work.licensorOrganizationId, work.workId, share.amountMinor, { kind: "work", ...common }));
      continue;
    }
    const split = splitWorkShare(share.amountMinor, work.receivers);
    // Organization id order within the work: the licensor's remainder takes its place among the receivers.
    const rows = [
      ...split.receivers.map((r) => ({
        organizationId: r.organizationId,
        amountMinor: r.amountMinor,
        basis: { kind: "split" as const, ...common, weight: r.weight },
      })),
      { organizationId: work.licensorOrganizationId, amountMinor: split.licensorMinor, basis: { kind: "work" as const, ...common } },
    ].sort((a, b) => a.organizationId - b.organizationId || (a.basis.kind === "work" ? 1 : -1));
    for (const r of rows) out.push(allocation(bucket, r.organizationId, work.workId, r.amountMinor, r.basis));
  }
  return out;
}
