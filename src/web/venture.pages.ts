// The venture commune's pages (PRODUCT.md §14): the public list of assets, an organization's bond holdings,
// and the treasurer's rent page (run the month's rent, each month's waterfall, the review list).
import { randomUUID } from "node:crypto";
import type { Request, Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { today, type Clock } from "../shared/clock.js";
import { monthSchema } from "../shared/schemas.js";
import { addMonths } from "../fees/compute-fees.js";
import { invoicingDeps } from "../billing/billing.routes.js";
import { runRent } from "../bonds/rent-run.js";
import { organizationHoldings, publicAssets, rentMonthsWithWaterfall } from "../bonds/venture.queries.js";
import { formBody, formFromNotice, parseForm } from "./forms.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { idParam, requireOrganizationMember, requireSignedIn, requireTreasurer } from "./guards.js";
import { eq } from "drizzle-orm";
import { assets, bondIssues } from "../db/schema.js";
import { listAssets, ownedVerifiedCooperatives } from "../assets/assets.queries.js";
import { listOrganizationsFor } from "../organizations/organizations.queries.js";
import { proposeAsset } from "../assets/propose-asset.js";
import { declareSurplus } from "../assets/declare-surplus.js";
import { subscribeBonds } from "../bonds/subscribe-bonds.js";
import { issueView } from "../bonds/bonds.queries.js";
import { moneyFromForm } from "./forms.js";
import { formatMoney } from "../shared/money.js";
import type { Db } from "../db/client.js";
import { registerTreasuryAssetPages } from "./venture-treasury.pages.js";

const proposalForm = z.object({
  title: z.string().trim().min(1, "is required").max(200),
  description: z.string().trim().min(1, "is required").max(10_000),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, "is a currency code such as EUR"),
  cost: z.string().trim().min(1, "is required"),
  monthlyRent: z.string().trim().min(1, "is required"),
  termMonths: z.coerce.number().int().min(1).max(600),
});
const surplusForm = z.object({
  assetId: z.coerce.number().int().min(1),
  month: monthSchema,
  surplus: z.string().trim().min(1, "is required"),
});
const subscriptionForm = z.object({
  organizationId: z.coerce.number().int().min(1),
  amount: z.string().trim().min(1, "is required"),
  bidRateBps: z.union([z.literal(""), z.coerce.number().int().min(0).max(10_000)]),
  idempotencyKey: z.string().min(8).max(200),
});

/** What a signed-in user may do here: subscribe for open issues, and (owners of verified cooperatives) propose and declare surplus. */
async function memberView(db: Db, req: Request, res: Parameters<typeof formFromNotice>[0], clock: Clock) {
  if (!req.auth) return null;
  const user = req.auth;
  const open = await db
    .select({ issue: bondIssues, title: assets.title })
    .from(bondIssues)
    .innerJoin(assets, eq(assets.id, bondIssues.assetId))
    .where(eq(bondIssues.status, "open"));
  const coops = await ownedVerifiedCooperatives(db, user.id);
  const leased =
    coops.length === 0
      ? []
      : (await db.select().from(assets)).filter((a) => coops.includes(a.lesseeOrganizationId) && a.status === "leased");
  return {
    offerings: open.map((o) => ({ ...issueView(o.issue), assetTitle: o.title, key: randomUUID() })),
    organizations: await listOrganizationsFor(db, user),
    canPropose: coops.length > 0,
    leased: leased.map((a) => ({ id: a.id, title: a.title, currency: a.currency })),
    proposalForm: formFromNotice(res, "proposal", { currency: "EUR", termMonths: 24 }),
    surplusForm: formFromNotice(res, "surplus", { month: today(clock).slice(0, 7) }),
    subscriptionForm: formFromNotice(res, "subscription"),
  };
}

export function registerVenturePages(app: Router, deps: AppDeps): void {
  const { db } = deps;
  app.get("/assets", async (req, res) => {
    renderPage(
      req,
      res,
      "assets",
      {
        assets: await publicAssets(db),
        member: await memberView(db, req, res, deps.clock),
        treasury: req.auth?.isTreasurer
          ? (await listAssets(db, req.auth)).map((a) => ({ id: a.id, title: a.title, status: a.status }))
          : null,
      },
      { title: "The commune's productive assets" },
    );
  });
  registerMemberForms(app, deps);
  registerTreasuryAssetPages(app, deps);
  app.get("/organizations/:id/holdings", async (req, res) => {
    const { user, org } = await requireOrganizationMember(db, req);
    const view = await organizationHoldings(db, user, org.id);
    renderPage(req, res, "holdings", { org, holdings: view.holdings }, { title: `Bonds held by ${org.name}` });
  });
  app.get("/treasury/rent", async (req, res) => {
    requireTreasurer(req);
    const months = (await rentMonthsWithWaterfall(db, today(deps.clock))).reverse();
    renderPage(
      req,
      res,
      "treasury-rent",
      {
        months,
        review: months.filter((m) => m.review),
        overdue: months.filter((m) => m.overdue),
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

function registerMemberForms(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;
  const back = { backTo: "/assets" };
  app.post("/assets/proposals", async (req, res) => {
    const user = requireSignedIn(req);
    await attempt(req, res, { ...back, prefix: "The asset was not proposed", form: "proposal" }, async () => {
      const f = parseForm(proposalForm, formBody(req));
      const rentalOffer = { monthlyRent: moneyFromForm(f.monthlyRent, f.currency), termMonths: f.termMonths };
      const asset = await proposeAsset(
        db,
        user,
        { title: f.title, description: f.description, cost: moneyFromForm(f.cost, f.currency), rentalOffer },
        { clock },
      );
      await redirectWithNotice(res, "/assets", `Asset ${asset.id} proposed: a treasurer puts it on offer.`);
    });
  });
  app.post("/assets/surplus", async (req, res) => {
    const user = requireSignedIn(req);
    await attempt(req, res, { ...back, prefix: "The surplus was not declared", form: "surplus" }, async () => {
      const f = parseForm(surplusForm, formBody(req));
      const [asset] = await db.select().from(assets).where(eq(assets.id, f.assetId));
      const declared = await declareSurplus(
        db,
        user,
        { assetId: f.assetId, month: f.month, surplus: moneyFromForm(f.surplus, asset?.currency ?? "EUR") },
        { clock },
      );
      await redirectWithNotice(
        res,
        "/assets",
        `Surplus of ${f.month} declared: the month's repayment is capped at ${formatMoney(declared.capMinor, declared.surplus.currency)}.`,
      );
    });
  });
  app.post("/bond-issues/:id/subscriptions", async (req, res) => {
    const user = requireSignedIn(req);
    const issueId = idParam(req.params.id, "Bond issue was not found.");
    await attempt(req, res, { ...back, prefix: "The subscription was not taken", form: "subscription" }, async () => {
      const f = parseForm(subscriptionForm, formBody(req));
      const [issue] = await db.select().from(bondIssues).where(eq(bondIssues.id, issueId));
      const amount = moneyFromForm(f.amount, issue?.currency ?? "EUR");
      await subscribeBonds(
        db,
        user,
        {
          issueId,
          organizationId: f.organizationId,
          amount,
          ...(f.bidRateBps === "" ? {} : { bidRateBps: f.bidRateBps }),
          idempotencyKey: f.idempotencyKey,
        },
        { clock },
      );
      await redirectWithNotice(
        res,
        `/organizations/${f.organizationId}/holdings`,
        `Subscription for bond issue ${issueId} taken; allotments come at clearing.`,
      );
    });
  });
}
