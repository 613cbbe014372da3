// The venture commune's pages (PRODUCT.md §14): the public list of assets, an organization's bond holdings,
// and the treasurer's rent page (run the month's rent, each month's waterfall, the review list).
import type { Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { monthSchema } from "../shared/schemas.js";
import { addMonths } from "../fees/compute-fees.js";
import { invoicingDeps } from "../billing/billing.routes.js";
import { runRent } from "../bonds/rent-run.js";
import { organizationHoldings, publicAssets, rentMonthsWithWaterfall } from "../bonds/venture.queries.js";
import { formBody, formFromNotice, parseForm } from "./forms.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { requireOrganizationMember, requireTreasurer } from "./guards.js";

export function registerVenturePages(app: Router, deps: AppDeps): void {
  const { db } = deps;
  app.get("/assets", async (req, res) => {
    renderPage(req, res, "assets", { assets: await publicAssets(db) }, { title: "The commune's productive assets" });
  });
  app.get("/organizations/:id/holdings", async (req, res) => {
    const { user, org } = await requireOrganizationMember(db, req);
    const view = await organizationHoldings(db, user, org.id);
    renderPage(req, res, "holdings", { org, holdings: view.holdings }, { title: `Bonds held by ${org.name}` });
  });
  app.get("/treasury/rent", async (req, res) => {
    requireTreasurer(req);
    const months = (await rentMonthsWithWaterfall(db)).reverse();
    renderPage(
      req,
      res,
      "treasury-rent",
      {
        months,
        review: months.filter((m) => m.review),
        lastMonth: addMonths(today(deps.clock).slice(0, 7), -1),
        rentForm: formFromNotice(res, "rent", { month: addMonths(today(deps.clock).slice(0, 7), -1) }),
      },
      { title: "Rent and the bonds' waterfall" },
    );
  });
  app.post("/treasury/rent-runs", async (req, res) => {
    const user = requireTreasurer(req);
    await attempt(req, res, { backTo: "/treasury/rent", prefix: "Rent did not run", form: "rent" }, async () => {
      const f = parseForm(z.object({ month: monthSchema }), formBody(req));
      const run = await runRent(db, user, f.month, invoicingDeps(deps));
      await redirectWithNotice(
        res,
        "/treasury/rent",
        `Rent ${f.month}: ${run.invoices.length} invoice(s), ${run.months.length} asset month(s).`,
      );
    });
  });
}
