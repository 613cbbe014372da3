// The request and response shapes of the billing API.
import { z } from "zod";
import { monthSchema, moneyOutputSchema, nextSchema } from "../shared/schemas.js";
import { BILLING_RUN_STATUSES } from "./vocabulary.js";
import { INVOICE_LINE_KINDS } from "../invoices/vocabulary.js";

export const billingRunBody = z.strictObject({ month: monthSchema });

export const billingRunResponse = z
  .object({
    runId: z.number().int(),
    month: z.string(),
    feeScheduleId: z.number().int(),
    invoicesCreated: z.number().int(),
    invoices: z.array(
      z.object({
        id: z.number().int(),
        number: z.string().nullable(),
        organizationId: z.number().int(),
        status: z.string(),
        total: moneyOutputSchema,
      }),
    ),
  })
  .meta({ id: "BillingRun" });

export const billingRunsResponse = z.object({
  billingRuns: z.array(
    z.object({
      id: z.number().int(),
      month: z.string(),
      feeScheduleId: z.number().int(),
      status: z.enum(BILLING_RUN_STATUSES),
      invoicesCreated: z.number().int(),
      startedBy: z.number().int().nullable(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      owner: z.string().nullable(),
      resumedByRunId: z.number().int().nullable(),
    }),
  ),
  next: nextSchema,
});

export const billingPreviewQuery = z.object({ month: monthSchema });

export const billingPreviewResponse = z
  .object({
    month: z.string(),
    invoices: z.array(
      z.object({
        organizationId: z.number().int(),
        organizationName: z.string(),
        status: z.enum(["held", "issued", "paid"]),
        total: moneyOutputSchema,
        lines: z.array(
          z.object({
            workSlug: z.string().nullable(),
            month: z.string(),
            kind: z.enum(INVOICE_LINE_KINDS),
            description: z.string(),
            days: z.number().int().nullable(),
            amount: moneyOutputSchema,
          }),
        ),
        notes: z.array(z.string()),
      }),
    ),
    total: moneyOutputSchema.describe("The sum of every invoice's total, held ones included"),
  })
  .meta({ id: "BillingPreview" });
