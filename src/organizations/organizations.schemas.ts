import { z } from "zod";
import { MEMBER_ROLES, ORGANIZATION_KINDS, SIZE_FACT_REVIEW_DECISIONS } from "./vocabulary.js";
import { isoDateSchema, moneyInputSchema, moneyOutputSchema, plainText } from "../shared/schemas.js";

const githubLogin = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "is not a GitHub login");

export const cooperativeEvidenceBody = z.strictObject({
  jurisdiction: plainText(z.string().trim().min(1).max(200)),
  registryNumber: plainText(z.string().trim().min(1).max(100)),
  bylawsUrl: z.url({ protocol: /^https?$/ }).max(2000),
  workerOwnerCount: z.number().int().min(1).max(10_000_000),
  distributesAllSurplus: z.boolean(),
});

export const createOrganizationBody = z.strictObject({
  name: plainText(z.string().trim().min(1).max(200)),
  kind: z.enum(ORGANIZATION_KINDS),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as DE")
    .optional(),
  githubLogins: z.array(githubLogin).max(100).optional(),
  cooperative: cooperativeEvidenceBody.optional(),
});

/** A member is invited by email; they accept from the link mailed to them (no one learns whether the address has a user). */
export const inviteMemberBody = z.strictObject({
  email: z.email({ error: "must be an email address" }).max(254),
  role: z.enum(MEMBER_ROLES),
});

export const invitationResponse = z
  .object({
    id: z.number().int(),
    organizationId: z.number().int(),
    email: z.string(),
    role: z.enum(MEMBER_ROLES),
    expiresAt: z.string(),
  })
  .meta({ id: "Invitation" });

export const sizeFactsBody = z.strictObject({
  effectiveOn: isoDateSchema,
  headcount: z.number().int().min(0, "must not be negative").max(10_000_000),
  annualRevenue: moneyInputSchema.optional(),
  evidenceUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  evidenceNote: z.string().trim().min(1).max(2000).optional(),
});

export const sizeFactReviewBody = z.strictObject({
  decision: z.enum(SIZE_FACT_REVIEW_DECISIONS),
  reason: z.string().trim().min(1).max(2000),
});

export const verificationBody = z.strictObject({
  decision: z.enum(["verified", "rejected"]),
  reason: z.string().trim().min(1).max(2000),
});

export const githubLoginsBody = z.strictObject({ logins: z.array(githubLogin).max(100) });

const sizeFactsView = z.object({
  id: z.number().int(),
  effectiveOn: z.string(),
  headcount: z.number().int(),
  annualRevenue: moneyOutputSchema.nullable(),
  evidenceUrl: z.string().nullable(),
  evidenceNote: z.string().nullable(),
  review: z
    .enum(["pending", ...SIZE_FACT_REVIEW_DECISIONS])
    .nullable()
    .describe("pending while a declaration that lowered the fee waits for a treasurer"),
  reviewReason: z.string().nullable(),
  recordedAt: z.string(),
});

export const organizationResponse = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(ORGANIZATION_KINDS),
    country: z.string().nullable(),
    verificationStatus: z.enum(["pending", "verified", "rejected"]).nullable(),
    githubLogins: z.array(z.string()),
    cooperative: z
      .object({
        evidence: z
          .object({
            id: z.number().int(),
            jurisdiction: z.string(),
            registryNumber: z.string(),
            bylawsUrl: z.string(),
            workerOwnerCount: z.number().int(),
            distributesAllSurplus: z.boolean(),
            submittedAt: z.string(),
          })
          .nullable(),
        verificationHistory: z.array(
          z.object({
            decision: z.string(),
            reason: z.string(),
            decidedBy: z.number().int(),
            decidedAt: z.string(),
            evidenceId: z.number().int().nullable(),
          }),
        ),
      })
      .nullable(),
    sizeFacts: sizeFactsView.nullable(),
    sizeFactsHistory: z.array(sizeFactsView),
    members: z.array(z.object({ userId: z.number().int(), role: z.string(), name: z.string(), email: z.string() })),
    createdAt: z.string(),
  })
  .meta({ id: "Organization" });

export const sizeFactsResponse = sizeFactsView;

export const sizeFactsReviewQueueResponse = z.object({
  sizeFacts: z.array(
    sizeFactsView.extend({
      organizationId: z.number().int(),
      organizationName: z.string(),
      previous: sizeFactsView.nullable(),
    }),
  ),
});
