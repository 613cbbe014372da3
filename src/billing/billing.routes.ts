import { z } from "zod";
import { BILLING_RUN_STATUSES } from "./vocabulary.js";
import type { AppDeps } from "../deps.js";
import type { Config } from "../config.js";
import type { ApiRouter } from "../http/route.js";
import { monthSchema, moneyOutputSchema } from "../shared/schemas.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";
import type { SellerDetails } from "../invoices/invoices.queries.js";
import { listBillingRuns, runBilling } from "./run-billing.js";

export const invoicingDeps = (deps: AppDeps): InvoicingDeps => ({
  clock: deps.clock,
  signer: deps.signer,
  invoicePrefix: deps.config.INVOICE_PREFIX,
  paymentTermsDays: deps.config.PAYMENT_TERMS_DAYS,
});

export const sellerOf = (config: Config): SellerDetails => ({
  name: config.SELLER_NAME,
  country: config.SELLER_COUNTRY,
  address: config.SELLER_ADDRESS,
  vatId: config.SELLER_VAT_ID,
  iban: config.SELLER_IBAN,
});

const runResponse = z
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

export function registerBillingRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db } = deps;
  api.route(
    {
      method: "post",
      path: "/billing-runs",
      tag: "billing",
      summary: "Run billing for a month; idempotent per month",
      auth: "treasurer",
      body: z.strictObject({ month: monthSchema }),
      responses: { 201: { description: "The run and every invoice of the month", schema: runResponse } },
    },
    async ({ body, user, res }) => {
      res.status(201).json(await runBilling(db, { month: body.month, actorUserId: user.id }, invoicingDeps(deps)));
    },
  );
  api.route(
    {
      method: "get",
      path: "/billing-runs",
      tag: "billing",
      summary: "Billing runs with their results",
      auth: "treasurer",
      responses: {
        200: {
          description: "Runs",
          schema: z.object({
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
          }),
        },
      },
    },
    async ({ res }) => {
      res.json({ billingRuns: await listBillingRuns(db) });
    },
  );
}
