// The request and response shapes of distribution: policies, splits and runs (API.md "Distribution of the fund").
import { z } from "zod";
import { currencySchema, idSchema, isoDateSchema, moneyInputSchema, moneyOutputSchema, monthSchema } from "../shared/schemas.js";
import { BUCKET_KINDS, DISTRIBUTION_RUN_STATUSES, MAX_SPLIT_RECEIVERS, TOTAL_SPLIT_WEIGHT } from "./vocabulary.js";

const bucketBody = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, "must be a lower-case key such as licensors"),
  kind: z.enum(BUCKET_KINDS),
  shareBps: z.number().int().min(0).max(10_000),
  payeeOrganizationId: idSchema.nullable().optional(),
});

export const createPolicyBody = z.strictObject({
  effectiveOn: isoDateSchema,
  currency: currencySchema,
  minimumPayout: moneyInputSchema,
  buckets: z.array(bucketBody).min(1).max(20),
});

export const policyResponse = z
  .object({
    id: z.number().int(),
    effectiveOn: z.string(),
    currency: z.string(),
    minimumPayout: moneyOutputSchema,
    buckets: z.array(
      z.object({
        key: z.string(),
        kind: z.enum(BUCKET_KINDS),
        shareBps: z.number().int(),
        payeeOrganizationId: z.number().int().nullable(),
      }),
    ),
    usedByDistributionRun: z.boolean(),
  })
  .meta({ id: "DistributionPolicy" });

export const policiesResponse = z.object({ distributionPolicies: z.array(policyResponse) });

export const splitsBody = z.strictObject({
  receivers: z
    .array(z.strictObject({ organizationId: idSchema, weight: z.number().int().min(1).max(TOTAL_SPLIT_WEIGHT) }))
    .max(MAX_SPLIT_RECEIVERS * 2),
});

export const splitsResponse = z.object({
  workSlug: z.string(),
  licensorOrganizationId: z.number().int(),
  receivers: z.array(z.object({ organizationId: z.number().int(), weight: z.number().int() })),
  totalWeight: z.number().int(),
});

export const createRunBody = z.strictObject({ month: monthSchema });

export const runResponse = z
  .object({
    id: z.number().int(),
    month: z.string(),
    status: z.enum(DISTRIBUTION_RUN_STATUSES),
    policyId: z.number().int(),
    pool: moneyOutputSchema,
    allocations: z.array(
      z.object({
        organizationId: z.number().int().nullable(),
        bucket: z.string(),
        workSlug: z.string().nullable(),
        amount: moneyOutputSchema,
        basis: z.record(z.string(), z.union([z.string(), z.number()])),
      }),
    ),
    buckets: z.array(z.object({ key: z.string(), amount: moneyOutputSchema })),
    carried: moneyOutputSchema,
    dividend: z.object({
      carriedIn: moneyOutputSchema,
      perCapita: moneyOutputSchema,
      workerOwners: z.number().int(),
      carried: moneyOutputSchema,
    }),
    poolDeficitCarried: moneyOutputSchema,
    exceptions: z.array(z.object({ kind: z.string(), organizationId: z.number().int().nullable(), detail: z.string() })),
    createdAt: z.string(),
    approvedAt: z.string().nullable(),
  })
  .meta({ id: "DistributionRun" });

export const runsResponse = z.object({
  distributionRuns: z.array(
    z.object({ id: z.number().int(), month: z.string(), status: z.enum(DISTRIBUTION_RUN_STATUSES), pool: moneyOutputSchema }),
  ),
});
