import semver from "semver";
import { z } from "zod";
import { LICENSE_FORMATS } from "../licenses/render-license.js";
import { CLAIM_EVENTS, DISPUTE_DECISIONS, DISPUTE_STATUSES, WORK_DECISIONS, WORK_VERIFICATIONS } from "./vocabulary.js";
import { cursorQuery, idParamSchema, idSchema, plainText } from "../shared/schemas.js";

export const registerWorkBody = z.strictObject({
  repository: z.string().trim().min(1).max(500).optional(),
  packages: z.array(z.string().max(500)).max(50).optional(),
  licensorOrganizationId: idSchema,
  versionRange: z
    .string()
    .trim()
    .max(200)
    .refine((r) => semver.validRange(r) !== null, "is not a semver range (e.g. >=2.0.0)")
    .optional(),
  githubToken: z.string().min(1).max(500).optional(),
  title: plainText(z.string().trim().min(1).max(200)).optional(),
  description: plainText(z.string().trim().max(2000)).optional(),
});

export const slugParam = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,80}$/) });

export const listWorksQuery = z.object({ q: z.string().max(200).optional(), ...cursorQuery });

/** A registry cursor: the (title, id) of the last work shown. */
export const worksCursor = z.tuple([z.string(), z.number().int()]);

export const licenseQuery = z.object({ format: z.enum(LICENSE_FORMATS).default("text") });

export const pullRequestBody = z.strictObject({ githubToken: z.string().min(1).max(500) });

export const workResponse = z
  .object({
    slug: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    repository: z.object({ url: z.string(), fullName: z.string().nullable(), defaultBranch: z.string().nullable() }).nullable(),
    packages: z.array(z.string()),
    licensor: z.object({ id: z.number().int(), name: z.string() }),
    versionRange: z.string().nullable(),
    verification: z.enum(["verified", "unverified"]),
    license: z.object({
      state: z.enum(["ppl", "other", "missing", "unknown"]),
      spdxId: z.string().nullable(),
      similarityBps: z.number().int().nullable(),
      path: z.string().nullable(),
      checkedAt: z.string().nullable(),
    }),
    links: z.object({ self: z.string(), license: z.string(), badge: z.string(), page: z.string() }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Work" });

export const registeredWorkResponse = workResponse.extend({
  licenseCheck: z
    .object({
      state: z.string(),
      spdxId: z.string().nullable(),
      similarityBps: z.number().int(),
      pplSimilarityBps: z.number().int(),
      path: z.string().nullable(),
    })
    .nullable(),
  suggestedPackages: z.array(z.string()),
});

export const pullRequestResponse = z.object({
  pullRequest: z.object({ number: z.number().int(), htmlUrl: z.string(), state: z.string(), headRef: z.string() }),
  created: z.boolean(),
});

export const forksResponse = z.object({
  forks: z.array(
    z.object({
      fullName: z.string(),
      ownerLogin: z.string(),
      organization: z.object({ id: z.number().int(), name: z.string().nullable() }).nullable(),
      seenAt: z.string(),
    }),
  ),
  truncated: z.boolean().optional(),
});

const reason = z.string().trim().min(1).max(2000);

export const workVerificationBody = z.strictObject({ decision: z.enum(WORK_DECISIONS), reason });

export const disputeBody = z.strictObject({ reason });

export const disputeParams = z.object({ slug: slugParam.shape.slug, id: idParamSchema });

export const disputeDecisionBody = z.strictObject({ decision: z.enum(DISPUTE_DECISIONS), reason });

export const disputeResponse = z
  .object({
    id: z.number().int(),
    workSlug: z.string(),
    status: z.enum(DISPUTE_STATUSES),
    reason: z.string(),
    openedBy: z.number().int(),
    openedAt: z.string(),
    decision: z.object({ reason: z.string(), decidedBy: z.number().int(), decidedAt: z.string() }).nullable(),
  })
  .meta({ id: "WorkDispute" });

export const claimHistoryResponse = z.object({
  slug: z.string(),
  verification: z.enum(WORK_VERIFICATIONS),
  history: z.array(
    z.object({
      event: z.enum(CLAIM_EVENTS),
      verification: z.enum(WORK_VERIFICATIONS),
      reason: z.string(),
      disputeId: z.number().int().nullable(),
      actorUserId: z.number().int().nullable(),
      at: z.string(),
    }),
  ),
  disputes: z.array(disputeResponse),
});
