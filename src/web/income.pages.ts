// What each user sees of the fund's outflow (PRODUCT.md §11): a work's income for its maintainers, an
// organization's income, social dividend and statements for its members. Read-only pages over the domain
// queries the API answers with.
import type { Router } from "express";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { getWorkBySlug, isMaintainer } from "../works/works.queries.js";
import { membershipOf } from "../organizations/organizations.queries.js";
import { incomeView } from "../payouts/income.queries.js";
import { workIncomeView } from "../payouts/work-income.queries.js";
import { dividendView } from "../distribution/distribution-runs.queries.js";
import { renderPage } from "./render.js";
import { requireOrganizationMember, requireSignedIn } from "./guards.js";
import { readableInstant, readableMonth } from "./format.js";
import { monthSchema } from "../shared/schemas.js";
import { listStatements, statementSummary, statementView } from "../payouts/statements.js";

const STATEMENTS_SHOWN = 36;

export function registerIncomePages(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.get("/organizations/:id/statements/:month", async (req, res) => {
    const { org } = await requireOrganizationMember(db, req);
    const month = monthSchema.safeParse(req.params.month);
    if (!month.success) throw new AppError("not_found", "No such statement.");
    const statement = await statementView(db, org.id, month.data);
    renderPage(
      req,
      res,
      "statement",
      {
        org,
        statement: {
          ...statement,
          monthText: readableMonth(statement.month),
          issuedText: readableInstant(statement.issuedAt),
          payouts: statement.payouts.map((p) => ({
            ...p,
            label: p.kind === "confirmed" ? "− paid out, payout" : "+ returned by the bank, payout",
          })),
        },
      },
      { title: `Statement ${statement.number}` },
    );
  });

  app.get("/works/:slug/income", async (req, res) => {
    const user = requireSignedIn(req);
    const work = await getWorkBySlug(db, String(req.params.slug));
    // Its maintainers, the licensor's members and treasurers; for anyone else the page does not exist.
    const allowed =
      user.isTreasurer || (await isMaintainer(db, work.id, user.id)) || (await membershipOf(db, work.licensorOrganizationId, user.id));
    if (!allowed) throw new AppError("not_found", "No such page.");
    const months = await workIncomeView(db, work, today(clock));
    renderPage(
      req,
      res,
      "work-income",
      {
        work,
        months: months.map((m) => ({ ...m, monthText: readableMonth(m.month), hasReceivers: m.toReceivers.amountMinor > 0 })),
      },
      { title: `Income of ${work.slug}` },
    );
  });

  app.get("/organizations/:id/income", async (req, res) => {
    const { org } = await requireOrganizationMember(db, req);
    const income = await incomeView(db, org.id, today(clock));
    const dividends = org.kind === "worker_cooperative" ? await dividendView(db, org.id) : [];
    renderPage(
      req,
      res,
      "organization-income",
      {
        org,
        income: { ...income, months: income.months.map((m) => ({ ...m, monthText: readableMonth(m.month) })) },
        cooperative: org.kind === "worker_cooperative",
        dividends: dividends.map((d) => ({ ...d, monthText: readableMonth(d.month) })),
        statements: (await listStatements(db, org.id, { limit: STATEMENTS_SHOWN })).map((s) => ({
          ...statementSummary(s),
          monthText: readableMonth(s.month),
        })),
      },
      { title: `Income of ${org.name}` },
    );
  });
}
