// The treasury: the dashboard, cooperatives decided on their evidence, billing runs, accounts and the
// audit log. The invoices have their own pages (treasury-invoices.pages.ts).
import type { Request, Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { evidenceHistory, getOrganizationRow, organizationView, verificationQueue } from "../organizations/organizations.queries.js";
import { registryLink } from "../organizations/registries.js";
import { decideVerification } from "../organizations/decide-verification.js";
import { reviewSizeFacts, sizeFactsAwaitingReview } from "../organizations/review-size-facts.js";
import { SIZE_FACT_REVIEW_DECISIONS } from "../organizations/vocabulary.js";
import { settleHeldInvoices } from "../billing/settle-held-invoices.js";
import { invoicingDeps } from "../billing/billing.routes.js";
import { listBillingRuns } from "../billing/run-billing.js";
import { invoiceNumbersOf, listInvoices } from "../invoices/invoices.queries.js";
import { auditActions, listAudit } from "../audit/audit.queries.js";
import { feeScheduleOn } from "../fees/fee-schedules.queries.js";
import { flowsChart, fundBalances, monthlyFlows, receivablesByAge } from "../treasury/dashboard.queries.js";
import { formBody, formFromNotice, parseForm } from "./forms.js";
import { createUserBody } from "../accounts/accounts.schemas.js";
import { createUser } from "../accounts/create-user.js";
import { hashPassword } from "../accounts/passwords.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { idParam, requireTreasurer } from "./guards.js";
import { registerTreasuryInvoicePages } from "./treasury-invoices.pages.js";
import { endedMonths, registerTreasuryBillingPages } from "./treasury-billing.pages.js";
import { registerTreasuryRulePages } from "./treasury-rules.pages.js";
import { readableInstant, readableMonth } from "./format.js";
import { notifyDeps } from "./notify.js";
import { notifyCooperativeDecision } from "../mail/notifications.js";
import type { Db } from "../db/client.js";

const AUDIT_PAGE = 50;

export function registerTreasuryPages(app: Router, deps: AppDeps): void {
  registerDashboard(app, deps);
  registerCooperativePages(app, deps);
  registerTreasuryActions(app, deps);
  registerAuditPage(app, deps);
  registerTreasuryInvoicePages(app, deps);
  registerTreasuryBillingPages(app, deps);
  registerTreasuryRulePages(app, deps);
}

/** Audit entries for a page: readable times, and invoices by number with a link. */
async function auditView(db: Db, entries: Awaited<ReturnType<typeof listAudit>>) {
  const invoiceIds = entries.filter((a) => a.entityType === "invoice").map((a) => Number(a.entityId));
  const numbers = await invoiceNumbersOf(db, invoiceIds.filter(Number.isSafeInteger));
  return entries.map((a) => {
    const invoiceRef = a.entityType === "invoice" ? (numbers.get(Number(a.entityId)) ?? a.entityId) : null;
    const subject =
      a.entityType === "invoice"
        ? { text: `invoice ${invoiceRef}`, href: `/treasury/invoices/${invoiceRef}` }
        : a.entityType === "organization"
          ? { text: `organization ${a.entityId}`, href: `/organizations/${a.entityId}` }
          : { text: `${a.entityType} ${a.entityId}`, href: null };
    return { id: a.id, atText: readableInstant(a.at), at: a.at, actorEmail: a.actor?.email ?? "system", action: a.action, subject };
  });
}

function registerDashboard(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.get("/treasury", async (req, res) => {
    requireTreasurer(req);
    const day = today(clock);
    const currency = (await feeScheduleOn(db, day)).currency;
    const overdue = await listInvoices(db, { id: 0, isTreasurer: true }, { overdueOn: day, limit: 1, withTotal: true });
    const queue = await Promise.all(
      (await verificationQueue(db)).map(async (o) => ({ ...o, evidence: (await evidenceHistory(db, o.id))[0] ?? null })),
    );
    renderPage(
      req,
      res,
      "treasury",
      {
        balances: await fundBalances(db),
        receivables: await receivablesByAge(db, day),
        overdueCount: overdue.total ?? 0,
        chart: flowsChart(await monthlyFlows(db, day), currency),
        queue,
        factsQueue: await sizeFactsAwaitingReview(db),
        runs: (await listBillingRuns(db))
          .reverse()
          .slice(0, 12)
          .map((r) => ({ ...r, startedText: readableInstant(r.startedAt) })),
        billableMonths: endedMonths(day).map((m) => ({ value: m, label: readableMonth(m) })),
        accountForm: formFromNotice(res, "account"),
        audit: await auditView(db, await listAudit(db, { limit: 10 })),
      },
      { title: "Treasury" },
    );
  });
}

function registerCooperativePages(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.get("/treasury/cooperatives/:id", async (req, res) => {
    requireTreasurer(req);
    const org = await getOrganizationRow(db, idParam(req.params.id, "Organization was not found."));
    if (!org || org.kind !== "worker_cooperative") throw new AppError("not_found", "No such cooperative.");
    const view = await organizationView(db, org, today(clock));
    const evidence = (await evidenceHistory(db, org.id)).map((e) => ({
      ...e,
      registryLink: registryLink(e.jurisdiction, e.registryNumber),
      submittedText: readableInstant(e.submittedAt),
    }));
    renderPage(
      req,
      res,
      "treasury-cooperative",
      {
        org: view,
        current: evidence[0] ?? null,
        earlier: evidence.slice(1),
        decisions: (view.cooperative?.verificationHistory ?? []).map((d) => ({ ...d, decidedText: readableInstant(d.decidedAt) })),
        pending: view.verificationStatus === "pending",
        decisionForm: formFromNotice(res, "decision"),
      },
      { title: `Verify ${view.name}` },
    );
  });

  app.post("/treasury/cooperatives/:id/decision", async (req, res) => {
    const user = requireTreasurer(req);
    const id = idParam(req.params.id, "Organization was not found.");
    const back = `/treasury/cooperatives/${id}`;
    await attempt(req, res, { backTo: back, prefix: "No decision was recorded", form: "decision" }, async () => {
      const f = parseForm(
        z.object({
          decision: z.enum(["verified", "rejected"], { error: "choose verify or reject" }),
          reason: z.string({ error: "give a reason" }).trim().min(1, "give a reason").max(2000),
        }),
        formBody(req),
      );
      // The held invoices are settled inside the decision's transaction, on its handle.
      await decideVerification(
        db,
        { organizationId: id, decision: f.decision, reason: f.reason, actorUserId: user.id },
        { clock, afterDecision: (tx, orgId, d) => settleHeldInvoices(tx, orgId, d, user.id, invoicingDeps(deps)) },
      );
      await notifyCooperativeDecision(notifyDeps(deps, req), { organizationId: id, decision: f.decision, reason: f.reason });
      await redirectWithNotice(res, "/treasury", `The cooperative was ${f.decision}.`);
    });
  });
}

function registerTreasuryActions(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.post("/treasury/size-facts/:id/review", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(req, res, { backTo: "/treasury", prefix: "No review was recorded", form: "facts-review" }, async () => {
      const f = parseForm(
        z.object({ decision: z.enum(SIZE_FACT_REVIEW_DECISIONS), reason: z.string().trim().min(1, "give a reason").max(2000) }),
        formBody(req),
      );
      const id = idParam(req.params.id, "Size facts were not found.");
      await reviewSizeFacts(db, { sizeFactId: id, decision: f.decision, reason: f.reason, actorUserId: user.id }, { clock });
      await redirectWithNotice(res, "/treasury", `The size facts were ${f.decision}.`);
    });
  });

  app.post("/treasury/users", async (req, res) => {
    const user = requireTreasurer(req);
    const values = formBody(req);
    await attempt(req, res, { backTo: "/treasury", prefix: "No account was created", form: "account" }, async () => {
      const f = parseForm(createUserBody, {
        email: values.email,
        name: values.name,
        ...(values.password ? { password: values.password } : {}),
      });
      const passwordHash = f.password ? await hashPassword(f.password) : null;
      const created = await createUser(db, { email: f.email, name: f.name, passwordHash, actorUserId: user.id }, { clock });
      await redirectWithNotice(res, "/treasury", `Account ${created.email} was created.`);
    });
  });
}

/** The audit log's filters from the query string; what does not parse is no filter. */
const auditFilter = (req: Request) => {
  const before = Number(req.query.before);
  const text = (v: unknown) => (typeof v === "string" && v.trim() && v.length <= 100 ? v.trim() : undefined);
  return {
    action: text(req.query.action),
    entityType: text(req.query.subject),
    before: Number.isSafeInteger(before) && before > 0 ? before : undefined,
  };
};

function registerAuditPage(app: Router, deps: AppDeps): void {
  const { db } = deps;

  app.get("/treasury/audit", async (req, res) => {
    requireTreasurer(req);
    const f = auditFilter(req);
    const entries = await listAudit(db, { ...f, limit: AUDIT_PAGE + 1 });
    const shown = entries.slice(0, AUDIT_PAGE);
    const params = new URLSearchParams();
    if (f.action) params.set("action", f.action);
    if (f.entityType) params.set("subject", f.entityType);
    const last = shown[shown.length - 1];
    if (last) params.set("before", String(last.id));
    renderPage(
      req,
      res,
      "treasury-audit",
      {
        entries: await auditView(db, shown),
        actions: (await auditActions(db)).map((a) => ({ value: a, selected: a === f.action })),
        subjects: ["invoice", "organization", "work", "usage", "user", "api_token", "fee_schedule"].map((s) => ({
          value: s,
          selected: s === f.entityType,
        })),
        older: entries.length > AUDIT_PAGE ? `/treasury/audit?${params.toString()}` : null,
        newest: f.before
          ? `/treasury/audit?${new URLSearchParams({ ...(f.action ? { action: f.action } : {}), ...(f.entityType ? { subject: f.entityType } : {}) }).toString()}`
          : null,
      },
      { title: "Audit log" },
    );
  });
}
