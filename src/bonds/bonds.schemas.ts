import { z } from "zod";
import { idSchema, isoDateSchema, moneyInputSchema, moneyOutputSchema } from "../shared/schemas.js";
import { ALLOTMENT_OUTCOMES, ISSUE_MODES, ISSUE_STATUSES, REPAYMENT_METHODS } from "./vocabulary.js";

const rateBps = z.number().int().min(0).max(10_000);

export const createBondIssueBody = z.strictObject({
  assetId: idSchema,
  target: moneyInputSchema,
  minimum: moneyInputSchema,
  maxRateBps: rateBps,
  mode: z.enum(ISSUE_MODES),
  opensOn: isoDateSchema,
  closesOn: isoDateSchema,
  termMonths: z.number().int().min(1).max(600),
  repayment: z.enum(REPAYMENT_METHODS),
  minSubscription: moneyInputSchema,
  maxPerHolder: moneyInputSchema,
});

export const subscriptionBody = z.strictObject({
  organizationId: idSchema,
  amount: moneyInputSchema,
  bidRateBps: rateBps.optional(),
});

export const bondIssueResponse = z.object({
  id: z.number().int(),
  assetId: z.number().int(),
  target: moneyOutputSchema,
  minimum: moneyOutputSchema,
  maxRateBps: z.number().int(),
  mode: z.enum(ISSUE_MODES),
  opensOn: z.string(),
  closesOn: z.string(),
  termMonths: z.number().int(),
  repayment: z.enum(REPAYMENT_METHODS),
  minSubscription: moneyOutputSchema,
  maxPerHolder: moneyOutputSchema,
  status: z.enum(ISSUE_STATUSES),
  rateBps: z.number().int().nullable(),
  sold: moneyOutputSchema.nullable(),
  clearedOn: z.string().nullable(),
});

export const subscriptionResponse = z.object({
  id: z.number().int(),
  issueId: z.number().int(),
  organizationId: z.number().int(),
  amount: moneyOutputSchema,
  bidRateBps: z.number().int().nullable(),
  allotted: moneyOutputSchema.nullable(),
  outcome: z.enum(ALLOTMENT_OUTCOMES).nullable(),
});

export const clearingResponse = z.object({ issue: bondIssueResponse, allotments: z.array(subscriptionResponse) });

export const scheduleResponse = z.object({
  issueId: z.number().int(),
  basis: z.enum(["preview", "cleared"]),
  principal: moneyOutputSchema,
  rateBps: z.number().int(),
  rows: z.array(
    z.object({
      k: z.number().int(),
      dueOn: z.string(),
      opening: moneyOutputSchema,
      interest: moneyOutputSchema,
      principal: moneyOutputSchema,
      payment: moneyOutputSchema,
    }),
  ),
});
