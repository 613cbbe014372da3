import type { AppDeps } from "../deps.js";
import { idempotencyKeyOf, markReplayed } from "../http/idempotency.js";
import { publicBaseUrl } from "../config.js";
import { decodeCursor, pageOf, refuseOldPaging } from "../http/pagination.js";
import { AppError } from "../shared/errors.js";
import type { ApiRouter } from "../http/route.js";
import { moneyJson } from "../shared/money.js";
import { recordPayment } from "../payments/record-payment.js";
import { recordRefund } from "../payments/record-refund.js";
import { invoicingDeps, sellerOf } from "../billing/billing.routes.js";
import { invoiceView, listInvoices, requireInvoiceAccess } from "./invoices.queries.js";
import {
  invoiceListResponse,
  invoiceNumberParam,
  invoiceResponse,
  invoicesCursor,
  listInvoicesQuery,
  paymentBody,
  paymentResponse,
  refundBody,
  refundResponse,
  voidInvoiceBody,
} from "./invoices.schemas.js";
import { invoiceUblFor, renderInvoiceHtml } from "./render-invoice.js";
import { voidInvoice } from "./void-invoice.js";

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
      query: listInvoicesQuery,
      responses: { 200: { description: "A page of invoices", schema: invoiceListResponse } },
    },
    async ({ query, user, req, res }) => {
      refuseOldPaging(req, ["offset"]);
      const after = decodeCursor(query.cursor, invoicesCursor);
      const { status, month, organizationId, limit } = query;
      const list = await listInvoices(db, user, {
        status,
        month,
        organizationId,
        limit: limit + 1,
        after: after && { month: after[0], id: after[1] },
        withTotal: true,
      });
      const { items, next } = pageOf(req, res, publicBaseUrl(deps.config), list.invoices, limit, (i) => [i.month, i.id]);
      res.json({ total: list.total ?? 0, invoices: items, next });
    },
  );

  api.route(
    {
      method: "get",
      path: "/invoices/{number}",
      tag,
      summary: "An invoice as JSON, printable HTML or UBL XML (by Accept); held invoices by id",
      auth: "user",
      params: invoiceNumberParam,
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
      params: invoiceNumberParam,
      body: paymentBody,
      headers: { "Idempotency-Key": { required: true, description: "A client-chosen key; the same key and body replay the first result" } },
      responses: { 201: { description: "The payment (also on an idempotent replay)", schema: paymentResponse } },
    },
    async ({ params, body, user, req, res }) => {
      const key = idempotencyKeyOf(req);
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
      markReplayed(res, replayed);
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/invoices/${encodeURIComponent(params.number)}`)
        .json({
          id: payment.id,
          invoiceNumber: invoice.number,
          amount: moneyJson(payment.amountMinor, payment.currency),
          paidOn: payment.paidOn,
          reference: payment.reference,
        });
    },
  );

  registerRefundRoute(api, deps);

  api.route(
    {
      method: "post",
      path: "/invoices/{number}/void",
      tag,
      summary: "Void an invoice with a credit note that reverses its ledger entries; what was paid becomes the refund due",
      auth: "treasurer",
      params: invoiceNumberParam,
      body: voidInvoiceBody,
      responses: { 200: { description: "The void invoice", schema: invoiceResponse } },
    },
    async ({ params, body, user, res }) => {
      const invoice = await requireInvoiceAccess(db, user, params.number);
      const voided = await voidInvoice(db, invoice, { reason: body.reason, actorUserId: user.id }, { clock });
      res.json(await invoiceView(db, voided, sellerOf(deps.config)));
    },
  );
}

function registerRefundRoute(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  api.route(
    {
      method: "post",
      path: "/invoices/{number}/refunds",
      tag,
      summary: "Record a refund paid out of a void invoice's refund due (Idempotency-Key required)",
      auth: "treasurer",
      params: invoiceNumberParam,
      body: refundBody,
      headers: { "Idempotency-Key": { required: true, description: "A client-chosen key; the same key and body replay the first result" } },
      responses: { 201: { description: "The refund (also on an idempotent replay)", schema: refundResponse } },
    },
    async ({ params, body, user, req, res }) => {
      const key = idempotencyKeyOf(req);
      const invoice = await requireInvoiceAccess(db, user, params.number);
      const { refund, replayed } = await recordRefund(
        db,
        {
          invoiceId: invoice.id,
          amount: body.amount,
          paidOn: body.paidOn,
          reference: body.reference,
          idempotencyKey: key,
          actorUserId: user.id,
        },
        { clock },
      );
      markReplayed(res, replayed);
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/invoices/${encodeURIComponent(invoice.number ?? params.number)}`)
        .json({
          id: refund.id,
          invoiceNumber: invoice.number,
          amount: moneyJson(refund.amountMinor, refund.currency),
          paidOn: refund.paidOn,
          reference: refund.reference,
        });
    },
  );
}
