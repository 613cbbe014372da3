import type { Request, Router } from "express";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { INVOICE_STATUSES } from "../invoices/vocabulary.js";
import { isoDateSchema, monthSchema } from "../shared/schemas.js";
import { verificationQueue } from "../organizations/organizations.queries.js";
import { decideVerification } from "../organizations/decide-verification.js";
import { reviewSizeFacts, sizeFactsAwaitingReview } from "../organizations/review-size-facts.js";
import { SIZE_FACT_REVIEW_DECISIONS } from "../organizations/vocabulary.js";
import { settleHeldInvoices } from "../billing/settle-held-invoices.js";
import { invoicingDeps } from "../billing/billing.routes.js";
import { listBillingRuns, runBilling } from "../billing/run-billing.js";
import { listInvoices, requireInvoiceAccess } from "../invoices/invoices.queries.js";
import { isPayable } from "../invoices/invoice-rules.js";
import { recordPayment } from "../payments/record-payment.js";
import { voidInvoice } from "../invoices/void-invoice.js";
import { listAudit } from "../audit/audit.queries.js";
import { feeScheduleOn } from "../fees/fee-schedules.queries.js";
import { addMonths } from "../fees/compute-fees.js";
import { flowsChart, fundBalances, monthlyFlows, receivablesByAge } from "../treasury/dashboard.queries.js";
import { formBody, moneyFromForm, parseForm } from "./forms.js";
import { createUserBody } from "../accounts/accounts.schemas.js";
import { createUser } from "../accounts/create-user.js";
import { hashPassword } from "../accounts/passwords.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { idParam, requireTreasurer } from "./guards.js";

const paymentForm = z.object({
  amount: z.string().trim().min(1, "is required"),
  paidOn: isoDateSchema,
  reference: z.string().trim().min(1, "is required").max(200),
  idempotencyKey: z.string().min(8).max(200),
});

export function registerTreasuryPages(app: Router, deps: AppDeps): void {
  registerDashboard(app, deps);
  registerTreasuryActions(app, deps);
  registerInvoiceActions(app, deps);
}

/** The invoice list's filter from the query string; a value that is not one is no filter. */
const dashboardFilter = (req: Request) =>
  z
    .object({ status: z.enum(INVOICE_STATUSES).optional().catch(undefined), month: monthSchema.optional().catch(undefined) })
    .parse({ status: req.query.status || undefined, month: req.query.month || undefined });

function registerDashboard(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.get("/treasury", async (req, res) => {
    requireTreasurer(req);
    const day = today(clock);
    const q = dashboardFilter(req);
    const currency = (await feeScheduleOn(db, day)).currency;
    const invoices = await listInvoices(db, { id: 0, isTreasurer: true }, { status: q.status, month: q.month, limit: 100, offset: 0 });
    renderPage(
      req,
      res,
      "treasury",
      {
        balances: await fundBalances(db),
        receivables: await receivablesByAge(db, day),
        chart: flowsChart(await monthlyFlows(db, day), currency),
        queue: await verificationQueue(db),
        factsQueue: await sizeFactsAwaitingReview(db),
        runs: (await listBillingRuns(db)).reverse().slice(0, 12),
        lastMonth: addMonths(day.slice(0, 7), -1),
        invoices: invoices.invoices.map((i) => ({
          ...i,
          payable: isPayable(i.status),
          voidable: i.status === "issued" || i.status === "held",
          ref: i.number ?? String(i.id),
          paymentKey: randomUUID(),
        })),
        invoiceTotal: invoices.total,
        statuses: INVOICE_STATUSES.map((s) => ({ value: s, selected: s === q.status })),
        filterMonth: q.month ?? "",
        today: day,
        audit: (await listAudit(db, { limit: 30 })).map((a) => ({ ...a, actorEmail: a.actor?.email ?? "system" })),
      },
      { title: "Treasury" },
    );
  });
}

function registerTreasuryActions(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.post("/treasury/verification/:id", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(res, "/treasury", "Not done", async () => {
      const f = parseForm(
        z.object({ decision: z.enum(["verified", "rejected"]), reason: z.string().trim().min(1, "give a reason").max(2000) }),
        formBody(req),
      );
      const id = idParam(req.params.id, "Organization was not found.");
      // The held invoices are settled inside the decision's transaction, on its handle.
      await decideVerification(
        db,
        { organizationId: id, decision: f.decision, reason: f.reason, actorUserId: user.id },
        { clock, afterDecision: (tx, orgId, d) => settleHeldInvoices(tx, orgId, d, user.id, invoicingDeps(deps)) },
      );
      redirectWithNotice(res, "/treasury", `The cooperative was ${f.decision}.`);
    });
  });

  app.post("/treasury/size-facts/:id/review", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(res, "/treasury", "Not done", async () => {
      const f = parseForm(
        z.object({ decision: z.enum(SIZE_FACT_REVIEW_DECISIONS), reason: z.string().trim().min(1, "give a reason").max(2000) }),
        formBody(req),
      );
      const id = idParam(req.params.id, "Size facts were not found.");
      await reviewSizeFacts(db, { sizeFactId: id, decision: f.decision, reason: f.reason, actorUserId: user.id }, { clock });
      redirectWithNotice(res, "/treasury", `The size facts were ${f.decision}.`);
    });
  });

  app.post("/treasury/users", async (req, res) => {
    const user = requireTreasurer(req);
    const values = formBody(req);
    await attempt(res, "/treasury", "Not done", async () => {
      const f = parseForm(createUserBody, {
        email: values.email,
        name: values.name,
        ...(values.password ? { password: values.password } : {}),
      });
      const passwordHash = f.password ? await hashPassword(f.password) : null;
      const created = await createUser(db, { email: f.email, name: f.name, passwordHash, actorUserId: user.id }, { clock });
      redirectWithNotice(res, "/treasury", `Account ${created.email} was created.`);
    });
  });

  app.post("/treasury/billing-runs", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(res, "/treasury", "Not done", async () => {
      const f = parseForm(z.object({ month: monthSchema }), formBody(req));
      const result = await runBilling(
        db,
        { month: f.month, actorUserId: user.id, catchUpMonths: deps.config.CATCH_UP_MONTHS },
        invoicingDeps(deps),
      );
      redirectWithNotice(
        res,
        "/treasury",
        `Billing ${f.month}: ${result.invoicesCreated} new invoice(s), ${result.invoices.length} in the month.`,
      );
    });
  });
}

function registerInvoiceActions(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.post("/treasury/invoices/:ref/payments", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(res, "/treasury", "Not done", async () => {
      const invoice = await requireInvoiceAccess(db, user, String(req.params.ref));
      const f = parseForm(paymentForm, formBody(req));
      const amount = moneyFromForm(f.amount, invoice.currency);
      await recordPayment(
        db,
        { invoiceId: invoice.id, amount, paidOn: f.paidOn, reference: f.reference, idempotencyKey: f.idempotencyKey, actorUserId: user.id },
        invoicingDeps(deps),
      );
      redirectWithNotice(res, "/treasury", `Payment of ${invoice.currency} ${f.amount} recorded against ${invoice.number}.`);
    });
  });

  app.post("/treasury/invoices/:ref/void", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(res, "/treasury", "Not done", async () => {
      const invoice = await requireInvoiceAccess(db, user, String(req.params.ref));
      const f = parseForm(z.object({ reason: z.string().trim().min(1, "give a reason").max(2000) }), formBody(req));
      await voidInvoice(db, invoice, { reason: f.reason, actorUserId: user.id }, { clock });
      redirectWithNotice(res, "/treasury", `Invoice ${invoice.number ?? invoice.id} was voided.`);
    });
  });
}
