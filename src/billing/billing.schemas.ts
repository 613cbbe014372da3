// The request and response shapes of the billing API.
import { z } from "zod";
import { monthSchema, moneyOutputSchema } from "../shared/schemas.js";
import { BILLING_RUN_STATUSES } from "./vocabulary.js";

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
    }),
  ),
});
