import type { AppDeps } from "../deps.js";
import { z } from "zod";
import { publicBaseUrl } from "../config.js";
import { cursorQuery, pageOfList } from "../http/pagination.js";
import type { Config } from "../config.js";
import type { ApiRouter } from "../http/route.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";
import type { SellerDetails } from "../invoices/invoices.queries.js";
import { listBillingRuns, runBilling, assertMonthOver } from "./run-billing.js";
import { previewBilling } from "./plan-billing.js";
import { notifyInvoicesIssued } from "../mail/notifications.js";
import { notifyDepsOf } from "../web/notify.js";
import { billingPreviewQuery, billingPreviewResponse, billingRunBody, billingRunResponse, billingRunsResponse } from "./billing.schemas.js";
import { makeCheckpoint } from "../books/make-checkpoint.js";
import { sendStreamedJson } from "../http/stream-json.js";
import { monthInvoicePages } from "./billing.queries.js";

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

export function registerBillingRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db } = deps;
  api.route(
    {
      method: "post",
      path: "/billing-runs",
      tag: "billing",
      summary: "Run billing for a month; idempotent per month",
      auth: "treasurer",
      body: billingRunBody,
      responses: { 201: { description: "The run and every invoice of the month", schema: billingRunResponse } },
    },
    async ({ body, user, res }) => {
      const options = { month: body.month, actorUserId: user.id, catchUpMonths: deps.config.CATCH_UP_MONTHS };
      const result = await runBilling(db, options, invoicingDeps(deps));
      // The run's facts are committed: sign a checkpoint of them now rather than on the next tick.
      await makeCheckpoint(db, deps.books, deps);
      // The same mails as a run started on the web: one per invoice issued, to the buyer's members.
      await notifyInvoicesIssued(notifyDepsOf(deps), result.runId);
      // Every invoice of the month, as the contract says (API.md), streamed a page at a time: 10,000 of them
      // are never held at once.
      res.status(201).location(`${publicBaseUrl(deps.config)}/api/v1/billing-runs`);
      await sendStreamedJson(res, { before: result, key: "invoices", pages: monthInvoicePages(db, result.month) });
    },
  );
  api.route(
    {
      method: "get",
      path: "/billing-runs/preview",
      tag: "billing",
      summary: "What a billing run for the month would issue; writes nothing",
      auth: "treasurer",
      query: billingPreviewQuery,
      responses: { 200: { description: "The invoices a run would issue", schema: billingPreviewResponse } },
    },
    async ({ query, res }) => {
      assertMonthOver(query.month, deps.clock);
      res.json(await previewBilling(db, query.month, { catchUpMonths: deps.config.CATCH_UP_MONTHS }));
    },
  );
  api.route(
    {
      method: "get",
      path: "/billing-runs",
      tag: "billing",
      summary: "Billing runs with their results",
      auth: "treasurer",
      query: z.object(cursorQuery),
      responses: { 200: { description: "Runs, oldest first", schema: billingRunsResponse } },
    },
    async ({ query, req, res }) => {
      const { items, next } = pageOfList(req, res, publicBaseUrl(deps.config), await listBillingRuns(db), query, (r) => r.id);
      res.json({ billingRuns: items, next });
    },
  );
}
