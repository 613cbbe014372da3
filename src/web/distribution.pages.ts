// The treasury's distribution pages (PRODUCT.md §11): choose an ended month and draft its run, read the
// draft (every allocation with its basis, the carry, the exceptions, totals that add up), approve it; make a
// payout batch, download its pain.001 file, confirm it, return a payout. Every figure comes from the
// domain functions the API uses; nothing here computes a share.
import type { Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";
import { isoDateSchema, monthSchema } from "../shared/schemas.js";
import { addMonths } from "../fees/compute-fees.js";
import { approveDistributionRun } from "../distribution/approve-run.js";
import { getRun, listRuns, organizationNames, runnableMonths, runView } from "../distribution/distribution-runs.queries.js";
import { runDistribution } from "../distribution/run-distribution.js";
import { payables } from "../payouts/payables.js";
import {
  batchTransferFile,
  confirmPayoutBatch,
  createPayoutBatch,
  getBatch,
  listBatches,
  returnPayout,
} from "../payouts/payout-batches.js";
import { notifyPayoutsSent } from "../mail/notifications.js";
import { formBody, formFromNotice, parseForm } from "./forms.js";
import { notifyDepsOf } from "./notify.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { idParam, requireTreasurer } from "./guards.js";
import { readableDate, readableInstant, readableMonth } from "./format.js";

const BATCHES_SHOWN = 24;

export function registerDistributionPages(app: Router, deps: AppDeps): void {
  registerOverview(app, deps);
  registerRunPages(app, deps);
  registerBatchPages(app, deps);
  registerBankActions(app, deps);
}

function registerOverview(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;
  app.get("/treasury/distribution", async (req, res) => {
    requireTreasurer(req);
    const day = today(clock);
    const months = await runnableMonths(db, addMonths(day.slice(0, 7), -1), 24);
    const owed = (await payables(db)).filter((p) => p.balanceMinor !== 0);
    const names = await organizationNames(
      db,
      owed.map((p) => p.organizationId),
    );
    const runForm = formFromNotice(res, "run", { month: months[0] ?? "" });
    renderPage(
      req,
      res,
      "treasury-distribution",
      {
        runs: (await listRuns(db))
          .reverse()
          .map((r) => ({ ...r, monthText: readableMonth(r.month), badgeClass: r.status === "approved" ? "ok" : "warn" })),
        months: months.map((m) => ({ value: m, label: readableMonth(m), selected: m === runForm.values.month })),
        runForm,
        payables: owed.map((p) => ({
          organizationId: p.organizationId,
          name: names.get(p.organizationId) ?? `#${p.organizationId}`,
          balance: moneyJson(p.balanceMinor, p.currency),
          pending: moneyJson(p.pendingMinor, p.currency),
        })),
        batches: (await listBatches(db, BATCHES_SHOWN)).map((b) => ({
          ...b,
          total: moneyJson(b.totalMinor, b.currency),
          executionText: readableDate(b.executionDate),
        })),
        batchForm: formFromNotice(res, "batch", { executionDate: day }),
      },
      { title: "Distribution" },
    );
  });
}

/** The basis of an allocation in words: where its amount comes from. */
function basisText(basis: Record<string, string | number>, currency: string): string {
  const m = (key: string) => moneyJson(Number(basis[key] ?? 0), currency).formatted;
  switch (basis.kind) {
    case "work":
      return `licensor's part of the work's share ${m("workShareMinor")} (work cash ${m("workCashMinor")}, ${basis.attributions} attribution(s))`;
    case "split":
      return `split weight ${basis.weight} ppm of the work's share ${m("workShareMinor")}`;
    case "per_capita":
      return `${basis.workerOwners} worker-owner(s) × ${m("perCapitaMinor")} per capita`;
    case "fixed":
    case "reserve":
      return `${Number(basis.shareBps) / 100} % of the pool`;
    default:
      return String(basis.kind);
  }
}

function registerRunPages(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;
  app.get("/treasury/distribution/runs/:id", async (req, res) => {
    requireTreasurer(req);
    const run = await getRun(db, idParam(req.params.id, "Distribution run was not found."));
    const view = await runView(db, run);
    const names = await organizationNames(
      db,
      view.allocations.flatMap((a) => (a.organizationId === null ? [] : [a.organizationId])),
    );
    const allocated = view.buckets.reduce((s, b) => s + b.amount.amountMinor, 0);
    const money = (n: number) => moneyJson(n, run.currency);
    renderPage(
      req,
      res,
      "treasury-distribution-run",
      {
        run: { ...view, monthText: readableMonth(view.month), createdText: readableInstant(view.createdAt) },
        draft: view.status === "draft",
        allocations: view.allocations.map((a) => ({
          ...a,
          payee: a.organizationId === null ? "the commune (reserve)" : (names.get(a.organizationId) ?? `#${a.organizationId}`),
          basisText: basisText(a.basis, run.currency),
        })),
        totals: {
          allocated: money(allocated),
          carriedIn: view.dividend.carriedIn,
          carried: view.dividend.carried,
          // allocated + dividend carried − dividend carried in = pool: the page shows the sum it checks.
          pool: money(allocated + view.dividend.carried.amountMinor - view.dividend.carriedIn.amountMinor),
          addsUp: allocated + view.dividend.carried.amountMinor - view.dividend.carriedIn.amountMinor === view.pool.amountMinor,
        },
        exceptions: await Promise.all(
          view.exceptions.map(async (e) => ({
            ...e,
            name: e.organizationId === null ? null : ((await organizationNames(db, [e.organizationId])).get(e.organizationId) ?? null),
          })),
        ),
      },
      { title: `Distribution ${view.month}` },
    );
  });

  app.post("/treasury/distribution/runs", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(req, res, { backTo: "/treasury/distribution", prefix: "No run was drafted", form: "run" }, async () => {
      const f = parseForm(z.object({ month: monthSchema }), formBody(req));
      const { runId, created } = await runDistribution(db, { month: f.month, actorUserId: user.id }, { clock });
      await redirectWithNotice(
        res,
        `/treasury/distribution/runs/${runId}`,
        created ? `The draft of ${f.month} is ready: check it, then approve it.` : `${f.month} has a run already: here it is.`,
      );
    });
  });

  app.post("/treasury/distribution/runs/:id/approve", async (req, res) => {
    const user = requireTreasurer(req);
    const id = idParam(req.params.id, "Distribution run was not found.");
    const page = `/treasury/distribution/runs/${id}`;
    await attempt(req, res, { backTo: page, prefix: "The run was not approved" }, async () => {
      await approveDistributionRun(db, user, id, { clock });
      await redirectWithNotice(res, page, "The run is approved: its allocations are booked as payables.");
    });
  });
}

function registerBatchPages(app: Router, deps: AppDeps): void {
  const { db, clock, config } = deps;
  app.get("/treasury/payouts/:id", async (req, res) => {
    requireTreasurer(req);
    const { batch, payouts } = await getBatch(db, idParam(req.params.id, "Payout batch was not found."));
    const names = await organizationNames(
      db,
      payouts.map((p) => p.organizationId),
    );
    const counted = payouts.filter((p) => p.status !== "returned");
    renderPage(
      req,
      res,
      "treasury-payout-batch",
      {
        batch: { ...batch, executionText: readableDate(batch.executionDate), createdText: readableInstant(batch.createdAt) },
        created: batch.status === "created",
        payouts: payouts.map((p) => ({
          ...p,
          name: names.get(p.organizationId) ?? `#${p.organizationId}`,
          amount: moneyJson(p.amountMinor, p.currency),
          returnable: p.status !== "returned",
        })),
        total: moneyJson(batch.totalMinor, batch.currency),
        stillPaid: moneyJson(
          counted.reduce((s, p) => s + p.amountMinor, 0),
          batch.currency,
        ),
      },
      { title: `Payout batch ${batch.messageId}` },
    );
  });

  app.get("/treasury/payouts/:id/pain.001.xml", async (req, res) => {
    requireTreasurer(req);
    const id = idParam(req.params.id, "Payout batch was not found.");
    const { fileName, xml } = await batchTransferFile(db, id, { name: config.SELLER_NAME, iban: config.SELLER_IBAN });
    res.type("application/xml").set("Content-Disposition", `attachment; filename="${fileName}"`).send(xml);
  });

  app.post("/treasury/payouts", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(req, res, { backTo: "/treasury/distribution", prefix: "No payout batch was made", form: "batch" }, async () => {
      const f = parseForm(z.object({ executionDate: isoDateSchema }), formBody(req));
      const id = await createPayoutBatch(db, user, f, { clock });
      await redirectWithNotice(res, `/treasury/payouts/${id}`, "The payout batch is made: download its file for the bank.");
    });
  });
}

function registerBankActions(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;
  app.post("/treasury/payouts/:id/confirm", async (req, res) => {
    const user = requireTreasurer(req);
    const id = idParam(req.params.id, "Payout batch was not found.");
    const page = `/treasury/payouts/${id}`;
    await attempt(req, res, { backTo: page, prefix: "The batch was not confirmed" }, async () => {
      const confirmed = await confirmPayoutBatch(db, user, id, { clock });
      await notifyPayoutsSent(notifyDepsOf(deps), confirmed);
      await redirectWithNotice(res, page, "The bank's confirmation is recorded: the payables are settled.");
    });
  });

  app.post("/treasury/payouts/:id/payouts/:payoutId/return", async (req, res) => {
    const user = requireTreasurer(req);
    const id = idParam(req.params.id, "Payout batch was not found.");
    const payoutId = idParam(req.params.payoutId, "Payout was not found.");
    const page = `/treasury/payouts/${id}`;
    await attempt(req, res, { backTo: page, prefix: "The return was not recorded" }, async () => {
      const { payouts } = await getBatch(db, id);
      if (!payouts.some((p) => p.id === payoutId)) throw new AppError("not_found", "Payout was not found.");
      const f = parseForm(z.object({ reason: z.string().trim().min(1, "give the bank's reason").max(500) }), formBody(req));
      const p = await returnPayout(db, user, payoutId, f, { clock });
      await redirectWithNotice(res, page, `Payout ${p.endToEndId} is recorded as returned: its payable is restored.`);
    });
  });
}
