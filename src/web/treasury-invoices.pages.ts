// The treasury's invoices: a searchable, filtered list of 50 a page with a CSV export, and one page per
// invoice with its payment history and its actions (record a payment, void, refund a void invoice).
import type { Request, Router } from "express";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { toDecimalString } from "../shared/money.js";
import { INVOICE_STATUSES } from "../invoices/vocabulary.js";
import { isoDateSchema, monthSchema } from "../shared/schemas.js";
import { invoicingDeps, sellerOf } from "../billing/billing.routes.js";
import { invoiceView, listInvoices, requireInvoiceAccess, type InvoiceFilter, type InvoiceKey } from "../invoices/invoices.queries.js";
import { invoicesCursor } from "../invoices/invoices.schemas.js";
import { pageCursorOf, pageOf } from "../http/pagination.js";
import { isOverdue, isPayable } from "../invoices/invoice-rules.js";
import { recordPayment } from "../payments/record-payment.js";
import { recordRefund } from "../payments/record-refund.js";
import { voidInvoice } from "../invoices/void-invoice.js";
import { listAudit } from "../audit/audit.queries.js";
import { formBody, formFromNotice, moneyFromForm, parseForm } from "./forms.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { requireTreasurer } from "./guards.js";
import { readableDate, readableInstant } from "./format.js";
import { notifyDeps } from "./notify.js";
import { notifyPaymentReceived } from "../mail/notifications.js";

export const INVOICES_PER_PAGE = 50;
const CSV_BATCH = 1000;

const paymentForm = z.object({
  amount: z.string().trim().min(1, "is required"),
  paidOn: isoDateSchema,
  reference: z.string().trim().min(1, "is required").max(200),
  idempotencyKey: z.string().min(8).max(200),
});

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === "" ? [] : [v]);

/** The list's query: what does not parse is no filter (a hand-edited address is not an error). */
export const invoiceQuery = (req: Request) => {
  const q = req.query;
  const statuses = asList(q.status).filter((s): s is (typeof INVOICE_STATUSES)[number] =>
    (INVOICE_STATUSES as readonly unknown[]).includes(s),
  );
  return {
    search: typeof q.q === "string" && q.q.trim() ? q.q.trim().slice(0, 100) : undefined,
    statuses,
    month: monthSchema
      .optional()
      .catch(undefined)
      .parse(typeof q.month === "string" && q.month ? q.month : undefined),
    overdue: q.overdue === "1",
    /** The page's place in the list (the API's cursor); one that does not parse is the first page. */
    after: invoiceCursorOf(q.cursor),
  };
};
type InvoiceQuery = ReturnType<typeof invoiceQuery>;

/** An invoice list's place from a page's `?cursor=`; one that does not parse is the first page. */
export function invoiceCursorOf(cursor: unknown): InvoiceKey | undefined {
  const key = pageCursorOf(cursor, invoicesCursor);
  return key && { month: key[0], id: key[1] };
}

const filterOf = (q: InvoiceQuery, day: string): Omit<InvoiceFilter, "limit" | "after"> => ({
  search: q.search,
  statuses: q.statuses,
  month: q.month,
  overdueOn: q.overdue ? day : undefined,
});

/** The address of the list with the same filters (its first page, or as CSV). */
function listUrl(path: string, q: InvoiceQuery): string {
  const p = new URLSearchParams();
  if (q.search) p.set("q", q.search);
  for (const s of q.statuses) p.append("status", s);
  if (q.month) p.set("month", q.month);
  if (q.overdue) p.set("overdue", "1");
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

type Listed = Awaited<ReturnType<typeof listInvoices>>["invoices"][number];
const rowView = (i: Listed, day: string) => ({
  ...i,
  ref: i.number ?? String(i.id),
  overdue: isOverdue(i, day),
  dueOnText: readableDate(i.dueOn),
});

export function registerTreasuryInvoicePages(app: Router, deps: AppDeps): void {
  registerInvoiceList(app, deps);
  registerInvoicePage(app, deps);
  registerInvoiceActions(app, deps);
}

function registerInvoiceList(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;
  const treasurerActor = { id: 0, isTreasurer: true };

  app.get("/treasury/invoices", async (req, res) => {
    requireTreasurer(req);
    const day = today(clock);
    const q = invoiceQuery(req);
    const list = await listInvoices(db, treasurerActor, {
      ...filterOf(q, day),
      limit: INVOICES_PER_PAGE + 1,
      after: q.after,
      withTotal: true,
    });
    const { items, next } = pageOf(req, res, "", list.invoices, INVOICES_PER_PAGE, (i) => [i.month, i.id]);
    renderPage(
      req,
      res,
      "treasury-invoices",
      {
        invoices: items.map((i) => rowView(i, day)),
        total: list.total,
        shown: items.length,
        first: q.after ? listUrl("/treasury/invoices", q) : null,
        next,
        pager: q.after !== undefined || next !== null,
        csv: listUrl("/treasury/invoices.csv", q),
        search: q.search ?? "",
        month: q.month ?? "",
        overdue: q.overdue,
        statuses: INVOICE_STATUSES.map((s) => ({ value: s, label: s.replace("_", " "), checked: q.statuses.includes(s) })),
      },
      { title: "Invoices" },
    );
  });

  app.get("/treasury/invoices.csv", async (req, res) => {
    requireTreasurer(req);
    const day = today(clock);
    const filter = filterOf(invoiceQuery(req), day);
    const lines = ["number,organization,month,status,issued_on,due_on,currency,total,outstanding,overdue"];
    for (let after: InvoiceKey | undefined; ;) {
      const batch = await listInvoices(db, treasurerActor, { ...filter, limit: CSV_BATCH, after });
      for (const i of batch.invoices) lines.push(csvRow(i, isOverdue(i, day)));
      const last = batch.invoices[batch.invoices.length - 1];
      if (!last || batch.invoices.length < CSV_BATCH) break;
      after = { month: last.month, id: last.id };
    }
    res
      .type("text/csv; charset=utf-8")
      .set("Content-Disposition", `attachment; filename="invoices-${day}.csv"`)
      .send(lines.join("\r\n") + "\r\n");
  });
}

/** One CSV field: quoted when needed; a leading = + - @ is defused for spreadsheets. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvRow(i: Listed, overdue: boolean): string {
  return [
    i.number ?? `held-${i.id}`,
    i.organizationName,
    i.month,
    i.status,
    i.issuedOn ?? "",
    i.dueOn ?? "",
    i.total.currency,
    toDecimalString(i.total.amountMinor, i.total.currency),
    toDecimalString(i.outstanding.amountMinor, i.outstanding.currency),
    overdue ? "yes" : "no",
  ]
    .map((v) => csvField(String(v)))
    .join(",");
}

function registerInvoicePage(app: Router, deps: AppDeps): void {
  const { db, clock, config } = deps;

  app.get("/treasury/invoices/:ref", async (req, res) => {
    const user = requireTreasurer(req);
    const invoice = await requireInvoiceAccess(db, user, String(req.params.ref));
    const view = await invoiceView(db, invoice, sellerOf(config));
    const day = today(clock);
    const ref = view.number ?? String(view.id);
    const history = await listAudit(db, { entityType: "invoice", entityId: String(view.id), limit: 50 });
    renderPage(
      req,
      res,
      "treasury-invoice",
      {
        invoice: { ...view, ref, dueOnText: readableDate(view.dueOn), issuedOnText: readableDate(view.issuedOn) },
        overdue: isOverdue(view, day),
        payable: isPayable(view.status),
        voidable: view.status === "issued" || view.status === "held",
        payments: view.payments.map((p) => ({ ...p, paidOnText: readableDate(p.paidOn) })),
        refunds: view.refunds.map((r) => ({ ...r, paidOnText: readableDate(r.paidOn) })),
        refundable: view.refundDue.amountMinor > 0,
        refundForm: formFromNotice(res, "refund", { paidOn: day, amount: toDecimalString(view.refundDue.amountMinor, view.currency) }),
        history: history.map((a) => ({ ...a, atText: readableInstant(a.at), actorEmail: a.actor?.email ?? "system" })),
        paymentForm: formFromNotice(res, "payment", { paidOn: day, amount: toDecimalString(view.outstanding.amountMinor, view.currency) }),
        voidForm: formFromNotice(res, "void"),
        paymentKey: randomUUID(),
        refundKey: randomUUID(),
      },
      { title: `Invoice ${ref}` },
    );
  });
}

function registerInvoiceActions(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.post("/treasury/invoices/:ref/payments", async (req, res) => {
    const user = requireTreasurer(req);
    const invoice = await requireInvoiceAccess(db, user, String(req.params.ref));
    const page = `/treasury/invoices/${encodeURIComponent(invoice.number ?? String(invoice.id))}`;
    await attempt(req, res, { backTo: page, prefix: "The payment was not recorded", form: "payment" }, async () => {
      const f = parseForm(paymentForm, formBody(req));
      const amount = moneyFromForm(f.amount, invoice.currency);
      const result = await recordPayment(
        db,
        { invoiceId: invoice.id, amount, paidOn: f.paidOn, reference: f.reference, idempotencyKey: f.idempotencyKey, actorUserId: user.id },
        invoicingDeps(deps),
      );
      if (!result.replayed)
        await notifyPaymentReceived(notifyDeps(deps, req), {
          invoiceId: invoice.id,
          amountMinor: amount.amountMinor,
          reference: f.reference,
          paidOn: f.paidOn,
        });
      await redirectWithNotice(res, page, `Payment of ${invoice.currency} ${f.amount} recorded against ${invoice.number}.`);
    });
  });

  app.post("/treasury/invoices/:ref/refunds", async (req, res) => {
    const user = requireTreasurer(req);
    const invoice = await requireInvoiceAccess(db, user, String(req.params.ref));
    const page = `/treasury/invoices/${encodeURIComponent(invoice.number ?? String(invoice.id))}`;
    await attempt(req, res, { backTo: page, prefix: "The refund was not recorded", form: "refund" }, async () => {
      const f = parseForm(paymentForm, formBody(req));
      const amount = moneyFromForm(f.amount, invoice.currency);
      await recordRefund(
        db,
        { invoiceId: invoice.id, amount, paidOn: f.paidOn, reference: f.reference, idempotencyKey: f.idempotencyKey, actorUserId: user.id },
        { clock },
      );
      await redirectWithNotice(res, page, `Refund of ${invoice.currency} ${f.amount} recorded for ${invoice.number}.`);
    });
  });

  app.post("/treasury/invoices/:ref/void", async (req, res) => {
    const user = requireTreasurer(req);
    const invoice = await requireInvoiceAccess(db, user, String(req.params.ref));
    const page = `/treasury/invoices/${encodeURIComponent(invoice.number ?? String(invoice.id))}`;
    await attempt(req, res, { backTo: page, prefix: "The invoice was not voided", form: "void" }, async () => {
      const f = parseForm(z.object({ reason: z.string().trim().min(1, "give a reason").max(2000) }), formBody(req));
      await voidInvoice(db, invoice, { reason: f.reason, actorUserId: user.id }, { clock });
      await redirectWithNotice(res, page, `Invoice ${invoice.number ?? invoice.id} was voided.`);
    });
  });
}
