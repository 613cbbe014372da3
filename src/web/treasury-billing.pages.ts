// Billing with a preview: the treasurer chooses an ended month, reads what a run would issue (the same
// plan the run writes, `previewBilling`), then bills it. Only ended months are offered; the server still
// refuses any other (`month_not_over`), shown as the page's error summary.
import type { Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { today, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { monthSchema } from "../shared/schemas.js";
import { addMonths } from "../fees/compute-fees.js";
import { invoicingDeps } from "../billing/billing.routes.js";
import { previewBilling } from "../billing/plan-billing.js";
import { assertMonthOver, listBillingRuns, runBilling } from "../billing/run-billing.js";
import { monthInvoiceTally } from "../billing/billing.queries.js";
import { makeCheckpoint } from "../books/make-checkpoint.js";
import { notifyInvoicesIssued } from "../mail/notifications.js";
import { emptyForm, formBody, formFromError, formFromNotice, parseForm, type FormState } from "./forms.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { requireTreasurer } from "./guards.js";
import { readableMonth } from "./format.js";
import { notifyDeps } from "./notify.js";

/** How many ended months the form offers, newest first. */
export const BILLABLE_MONTHS_SHOWN = 24;
/** Preview rows shown on the page (the totals count them all). */
const PREVIEW_ROWS = 200;

/** The months that have ended, newest first: the only ones a run may bill. */
export const endedMonths = (day: string): string[] =>
  Array.from({ length: BILLABLE_MONTHS_SHOWN }, (_, i) => addMonths(day.slice(0, 7), -1 - i));

/** `assertMonthOver` with the month field marked, for the form. */
function assertEnded(month: string, clock: Clock): void {
  try {
    assertMonthOver(month, clock);
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.code, err.message, { errors: [{ path: "/month", message: "has not ended yet" }] });
    throw err;
  }
}

type Preview = Awaited<ReturnType<typeof previewBilling>>;

const previewView = (p: Preview) => ({
  month: p.month,
  monthText: readableMonth(p.month),
  total: p.total,
  count: p.invoices.length,
  held: p.invoices.filter((i) => i.status === "held").length,
  more: Math.max(0, p.invoices.length - PREVIEW_ROWS),
  invoices: p.invoices.slice(0, PREVIEW_ROWS).map((i) => ({
    organizationId: i.organizationId,
    organizationName: i.organizationName,
    status: i.status,
    total: i.total,
    works: [...new Set(i.lines.map((l) => l.workSlug).filter((s): s is string => s !== null))].join(", "),
    notes: i.notes.join(" "),
  })),
});

export function registerTreasuryBillingPages(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.get("/treasury/billing", async (req, res) => {
    requireTreasurer(req);
    const day = today(clock);
    const asked = typeof req.query.month === "string" && req.query.month ? req.query.month : undefined;
    let form: FormState = formFromNotice(res, "billing", { month: addMonths(day.slice(0, 7), -1) });
    let preview: Preview | null = null;
    if (asked) {
      form = emptyForm({ month: asked });
      try {
        const month = parseForm(z.object({ month: monthSchema }), { month: asked }).month;
        assertEnded(month, clock);
        preview = await previewBilling(db, month, { catchUpMonths: deps.config.CATCH_UP_MONTHS });
      } catch (err) {
        form = formFromError({ month: asked }, err);
      }
    }
    const chosen = String(form.values.month);
    const runs = await listBillingRuns(db);
    renderPage(
      req,
      res,
      "treasury-billing",
      {
        form,
        months: endedMonths(day).map((m) => ({ value: m, label: readableMonth(m), selected: m === chosen })),
        preview: preview ? previewView(preview) : null,
        billedBefore: preview ? runs.some((r) => r.month === preview.month) : false,
      },
      { title: "Billing", status: form.summary ? 422 : 200 },
    );
  });

  app.post("/treasury/billing-runs", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(req, res, { backTo: "/treasury/billing", prefix: "Billing did not run", form: "billing" }, async () => {
      const f = parseForm(z.object({ month: monthSchema }), formBody(req));
      const result = await runBilling(
        db,
        { month: f.month, actorUserId: user.id, catchUpMonths: deps.config.CATCH_UP_MONTHS },
        invoicingDeps(deps),
      );
      await makeCheckpoint(db, deps.books, deps);
      await notifyInvoicesIssued(notifyDeps(deps, req), result.runId);
      await redirectWithNotice(
        res,
        "/treasury",
        `Billing ${f.month}: ${result.invoicesCreated} new invoice(s), ${(await monthInvoiceTally(db, f.month)).count} in the month.`,
      );
    });
  });
}
