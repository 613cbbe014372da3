import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { INVOICE_LINE_KINDS, INVOICE_STATUSES } from "./vocabulary.js";
import type { ApiRouter } from "../http/route.js";
import { isoDateSchema, monthSchema, moneyInputSchema, moneyOutputSchema, paginationQuery } from "../shared/schemas.js";
import { moneyJson } from "../shared/money.js";
import { recordPayment } from "../payments/record-payment.js";
import { invoicingDeps, sellerOf } from "../billing/billing.routes.js";
import { invoiceView, listInvoices, requireInvoiceAccess } from "./invoices.queries.js";
import { INVOICE_REF_PATTERN } from "./invoice-rules.js";
import { invoiceUblFor, renderInvoiceHtml } from "./render-invoice.js";
import { voidInvoice } from "./void-invoice.js";

const numberParam = z.object({ number: z.string().regex(INVOICE_REF_PATTERN) });

export const invoiceResponse = z
  .object({
    id: z.number().int(),
    number: z.string().nullable(),
    status: z.enum(INVOICE_STATUSES),
    organizationId: z.number().int(),
    month: z.string(),
    issuedOn: z.string().nullable(),
    dueOn: z.string().nullable(),
    currency: z.string(),
    seller: z.object({ name: z.string(), country: z.string(), address: z.string(), vatId: z.string().nullable() }),
    buyer: z.object({ organizationId: z.number().int(), name: z.string(), country: z.string().nullable() }),
    lines: z.array(
      z.object({
        workSlug: z.string().nullable(),
        kind: z.enum(INVOICE_LINE_KINDS),
        description: z.string(),
        amount: moneyOutputSchema,
        days: z.number().int().nullable(),
        daysInMonth: z.number().int().nullable(),
        annualFee: moneyOutputSchema.nullable(),
      }),
    ),
    total: moneyOutputSchema,
    paid: moneyOutputSchema,
    credited: moneyOutputSchema,
    outstanding: moneyOutputSchema,
    note: z.string().nullable(),
    paymentInstructions: z.object({ payee: z.string(), iban: z.string().nullable(), reference: z.string(), text: z.string() }).nullable(),
    payments: z.array(z.object({ id: z.number().int(), amount: moneyOutputSchema, paidOn: z.string(), reference: z.string() })),
    creditNote: z.object({ reason: z.string(), amount: moneyOutputSchema, createdAt: z.string() }).nullable(),
  })
  .meta({ id: "Invoice" });

const paymentBody = z.strictObject({ amount: moneyInputSchema, paidOn: isoDateSchema, reference: z.string().trim().min(1).max(200) });
const paymentResponse = z
  .object({ id: z.number().int(), invoiceNumber: z.string(), amount: moneyOutputSchema, paidOn: z.string(), reference: z.string() })
  .meta({ id: "Payment" });

const tag = "invoices";

export function registerInvoiceRoutes(api: ApiRouter, deps: AppDeps): void {
  registerInvoiceReadRoutes(api, deps);
  registerInvoiceChangeRoutes(api, deps);
}

function registerInvoiceReadRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db } = deps;
  api.route(
    {
      method: "get",
      path: "/invoices",
      tag,
      summary: "Invoices the caller may see (all, for treasurers), with filters",
      auth: "user",
      query: z.object({
        status: z.enum(INVOICE_STATUSES).optional(),
        month: monthSchema.optional(),
        organizationId: z.coerce.number().int().positive().optional(),
        ...paginationQuery,
      }),
      responses: {
        200: {
          description: "A page of invoices",
          schema: z.object({
            total: z.number().int(),
            invoices: z.array(
              z.object({
                id: z.number().int(),
                number: z.string().nullable(),
                status: z.enum(INVOICE_STATUSES),
                organizationId: z.number().int(),
                organizationName: z.string(),
                month: z.string(),
                issuedOn: z.string().nullable(),
                dueOn: z.string().nullable(),
                total: moneyOutputSchema,
                outstanding: moneyOutputSchema,
              }),
            ),
          }),
        },
      },
    },
    async ({ query, user, res }) => {
      res.json(await listInvoices(db, user, query));
    },
  );

  api.route(
    {
      method: "get",
      path: "/invoices/{number}",
      tag,
      summary: "An invoice as JSON, printable HTML or UBL XML (by Accept); held invoices by id",
      auth: "user",
      params: numberParam,
      responses: { 200: { description: "The invoice", schema: invoiceResponse }, 406: { description: "Not acceptable" } },
    },
    async ({ params, user, req, res }) => {
      const view = await invoiceView(db, await requireInvoiceAccess(db, user, params.number), sellerOf(deps.config));
      const type = req.accepts(["application/json", "text/html", "application/xml", "text/xml"]);
      if (type === "text/html") {
        res.type("html").send(renderInvoiceHtml(view, { sellerEmail: deps.config.SELLER_EMAIL }));
      } else if (type === "application/xml" || type === "text/xml") {
        const xml = await invoiceUblFor(db, view, deps.config.SELLER_EMAIL);
        res.type("application/xml").set("Content-Disposition", `attachment; filename="${view.number}.xml"`).send(xml);
      } else if (type === "application/json") {
        res.json(view);
      } else {
        throw new AppError("not_acceptable", "This invoice is available as application/json, text/html or application/xml.");
      }
    },
  );
}

function registerInvoiceChangeRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  api.route(
    {
      method: "post",
      path: "/invoices/{number}/payments",
      tag,
      summary: "Record a payment (Idempotency-Key required)",
      auth: "treasurer",
      params: numberParam,
      body: paymentBody,
      headers: { "Idempotency-Key": { required: true, description: "A client-chosen key; the same key and body replay the first result" } },
      responses: { 201: { description: "The payment (also on an idempotent replay)", schema: paymentResponse } },
    },
    async ({ params, body, user, req, res }) => {
      const key = req.get("idempotency-key");
      if (!key || key.length > 200) throw new AppError("bad_request", "An Idempotency-Key header (1 to 200 characters) is required.");
      const invoice = await requireInvoiceAccess(db, user, params.number);
      const { payment, replayed } = await recordPayment(
        db,
        {
          invoiceId: invoice.id,
          amount: body.amount,
          paidOn: body.paidOn,
          reference: body.reference,
          idempotencyKey: key,
          actorUserId: user.id,
        },
        invoicingDeps(deps),
      );
      if (replayed) res.set("Idempotent-Replayed", "true");
      res.status(201).json({
        id: payment.id,
        invoiceNumber: invoice.number,
        amount: moneyJson(payment.amountMinor, payment.currency),
        paidOn: payment.paidOn,
        reference: payment.reference,
      });
    },
  );

  api.route(
    {
      method: "post",
      path: "/invoices/{number}/void",
      tag,
      summary: "Void an invoice with a credit note that reverses its ledger entries",
      auth: "treasurer",
      params: numberParam,
      body: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
      responses: { 200: { description: "The void invoice", schema: invoiceResponse } },
    },
    async ({ params, body, user, res }) => {
      const invoice = await requireInvoiceAccess(db, user, params.number);
      const voided = await voidInvoice(db, invoice, { reason: body.reason, actorUserId: user.id }, { clock });
      res.json(await invoiceView(db, voided, sellerOf(deps.config)));
    },
  );
}
