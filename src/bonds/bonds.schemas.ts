import { z } from "zod";
import { hasControlCharacters, idSchema, isoDateSchema, moneyInputSchema, moneyOutputSchema, monthSchema } from "../shared/schemas.js";
import { ASSET_STATUSES } from "../assets/vocabulary.js";
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
  offerDocument: z
    .string()
    .trim()
    .min(1)
    .max(100_000)
    .refine(
      (s) => !hasControlCharacters(s.replace(/\r?\n|\t/g, " ")),
      "must not contain control characters other than line breaks and tabs",
    )
    .optional()
    .describe("the offer document the members subscribe on (plain text or markdown), stored with the issue"),
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
  offerDocument: z.string().nullable(),
  offerDocumentSha256: z.string().nullable().describe("SHA-256 (hex) of the offer document's UTF-8 bytes"),
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

export const rentRunBody = z.strictObject({ month: monthSchema });

const rentMonthResponse = z.object({
  assetId: z.number().int(),
  month: z.string(),
  issueId: z.number().int().nullable(),
  invoiceId: z.number().int().nullable(),
  due: z.object({ arrears: moneyOutputSchema, interest: moneyOutputSchema, principal: moneyOutputSchema }),
  cap: moneyOutputSchema.nullable().describe("floor(surplus × 5000 ÷ 10,000) of the declared surplus; null when none was declared"),
  rent: moneyOutputSchema,
  deferred: moneyOutputSchema,
  deferredMonthsInRow: z.number().int(),
  review: z.boolean().describe("Twelve or more deferred months in a row: on the treasurer's review list"),
});

export const rentRunResponse = z.object({
  month: z.string(),
  invoices: z.array(z.object({ id: z.number().int(), number: z.string(), organizationId: z.number().int(), total: moneyOutputSchema })),
  months: z.array(rentMonthResponse),
  skipped: z.array(z.object({ organizationId: z.number().int(), assetIds: z.array(z.number().int()) })),
});

export const rentMonthsResponse = z.object({
  months: z.array(
    rentMonthResponse.extend({
      invoiceNumber: z.string().nullable(),
      dueOn: isoDateSchema.nullable(),
      unpaid: moneyOutputSchema.describe("Rent invoiced for the month and not received yet"),
      overdue: z.boolean().describe("The invoice is past its due date with rent unpaid: reminded like any overdue invoice"),
      received: z.object({
        arrears: moneyOutputSchema,
        interest: moneyOutputSchema,
        principal: moneyOutputSchema,
        rentIncome: moneyOutputSchema,
      }),
    }),
  ),
});

export const holdingsResponse = z.object({
  organizationId: z.number().int(),
  holdings: z.array(
    z.object({
      subscriptionId: z.number().int(),
      issueId: z.number().int(),
      assetId: z.number().int(),
      assetTitle: z.string(),
      issueStatus: z.enum(ISSUE_STATUSES),
      rateBps: z.number().int(),
      allotted: moneyOutputSchema,
      outstanding: moneyOutputSchema,
      interestArrears: moneyOutputSchema,
      interestReceived: moneyOutputSchema,
      principalReceived: moneyOutputSchema,
      writtenOff: moneyOutputSchema.describe("Principal and arrears the sale of a returned asset could not pay: the holder's loss"),
    }),
  ),
});

export const publicAssetsResponse = z.object({
  assets: z.array(
    z.object({
      id: z.number().int(),
      title: z.string(),
      lessee: z.string(),
      status: z.enum(ASSET_STATUSES),
      cost: moneyOutputSchema,
      monthlyRent: moneyOutputSchema,
      bondsOutstanding: moneyOutputSchema,
      rentCollected: moneyOutputSchema,
    }),
  ),
});

export const assetSaleBody = z.strictObject({
  proceeds: moneyInputSchema,
  soldOn: isoDateSchema,
  reason: z.string().trim().min(1).max(2000),
});

export const assetSaleResponse = z.object({
  id: z.number().int(),
  assetId: z.number().int(),
  soldOn: z.string(),
  reason: z.string(),
  proceeds: moneyOutputSchema,
  bookValue: moneyOutputSchema.describe("The productive asset's value in the books (its issues' proceeds), taken out at the sale"),
  paidToHolders: moneyOutputSchema.describe("Holders first: their interest arrears, then their outstanding principal"),
  surplus: moneyOutputSchema.describe("Proceeds beyond what the holders were owed: the pool of the month of the sale"),
  writtenOff: moneyOutputSchema.describe("What the proceeds could not pay the holders: their loss"),
  receipts: z.array(
    z.object({
      subscriptionId: z.number().int(),
      issueId: z.number().int(),
      organizationId: z.number().int(),
      arrears: moneyOutputSchema,
      principal: moneyOutputSchema,
      writtenOff: moneyOutputSchema,
    }),
  ),
});
