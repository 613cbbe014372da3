// The treasurer's page of one asset (PRODUCT.md §14): its lifecycle and history, the steps a treasurer may
// take, a bond issue to open for it, each issue's subscriptions, clearing at the closing date, and the
// repayment schedule. Every rule is the domain's: the forms are parsed by the API's own schemas.
import type { Request, Response, Router } from "express";
import type { AppDeps } from "../deps.js";
import type { Db } from "../db/client.js";
import type { AuthUser } from "../http/auth.js";
import { today, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { moneyJson, toDecimalString } from "../shared/money.js";
import { assetById, assetHistory, type Asset } from "../assets/assets.queries.js";
import { assetTransitionBody } from "../assets/assets.schemas.js";
import { transitionAsset } from "../assets/transition-asset.js";
import { isManualStep, MANUAL_ASSET_TRANSITIONS } from "../assets/vocabulary.js";
import { assetSaleBody, createBondIssueBody } from "../bonds/bonds.schemas.js";
import { holdings } from "../bonds/positions.js";
import { sellAsset } from "../bonds/sell-asset.js";
import { assetSaleView, rentMonthsWithWaterfall } from "../bonds/venture.queries.js";
import {
  issueById,
  issuesOfAsset,
  issueView,
  scheduleRowView,
  subscriptionsOf,
  subscriptionView,
  type BondIssue,
} from "../bonds/bonds.queries.js";
import { clearBondIssue } from "../bonds/clear-bond-issue.js";
import { createBondIssue } from "../bonds/create-bond-issue.js";
import { issueSchedule } from "../bonds/issue-schedule.js";
import { ISSUE_MODES, REPAYMENT_METHODS } from "../bonds/vocabulary.js";
import { inArray } from "drizzle-orm";
import { organizations } from "../db/schema.js";
import { formBody, formFromNotice, parseForm } from "./forms.js";
import { idParam, requireTreasurer } from "./guards.js";
import { readableInstant } from "./format.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";

const MONEY_FIELDS = ["target", "minimum", "minSubscription", "maxPerHolder"] as const;

/** The bond issue form as the API's body: amounts in the asset's currency, whole numbers as numbers. */
function bondIssueFromForm(assetId: number, currency: string, body: Record<string, unknown>) {
  const int = (v: unknown) => (typeof v === "string" && /^\s*\d{1,9}\s*$/.test(v) ? Number(v) : v);
  const money = (v: unknown) => ({ amount: typeof v === "string" ? v.replace(/[\s,]/g, "") : v, currency });
  return parseForm(createBondIssueBody, {
    assetId,
    ...Object.fromEntries(MONEY_FIELDS.map((k) => [k, money(body[k])])),
    maxRateBps: int(body.maxRateBps),
    termMonths: int(body.termMonths),
    mode: body.mode,
    repayment: body.repayment,
    opensOn: body.opensOn,
    closesOn: body.closesOn,
    offerDocument: typeof body.offerDocument === "string" && body.offerDocument.trim() === "" ? undefined : body.offerDocument,
  });
}

async function issueSection(db: Db, user: AuthUser, issue: BondIssue, on: string) {
  const subscriptions = await subscriptionsOf(db, issue.id);
  const ids = [...new Set(subscriptions.map((s) => s.organizationId))];
  const named = ids.length === 0 ? [] : await db.select().from(organizations).where(inArray(organizations.id, ids));
  const names = new Map(named.map((o) => [o.id, o.name]));
  const schedule = issue.status === "cancelled" ? null : await issueSchedule(db, user, issue.id);
  return {
    ...issueView(issue),
    subscriptions: subscriptions.map((s) => ({
      ...subscriptionView(s, issue.currency),
      organization: names.get(s.organizationId) ?? `Organization ${s.organizationId}`,
    })),
    canClear: issue.status === "open" && on >= issue.closesOn,
    waiting: issue.status === "open" && on < issue.closesOn,
    schedule: schedule && {
      basis: schedule.basis,
      cleared: schedule.basis === "cleared",
      principal: moneyJson(schedule.principalMinor, issue.currency),
      rateBps: schedule.rateBps,
      rows: schedule.rows.map((r) => scheduleRowView(r, issue.currency)),
    },
  };
}

/** What a returned asset owes its holders (the sale form's hint), or the sale once recorded, with names. */
async function saleSection(db: Db, asset: Asset, issues: BondIssue[]) {
  const sale = await assetSaleView(db, asset.id);
  const held = [];
  for (const issue of issues.filter((i) => i.status === "cleared")) held.push(...(await holdings(db, { issueId: issue.id })));
  const owed = held.reduce((s, h) => s + h.outstandingMinor + h.interestArrearsMinor, 0);
  const ids = [...new Set(sale?.receipts.map((r) => r.organizationId) ?? [])];
  const named = ids.length === 0 ? [] : await db.select().from(organizations).where(inArray(organizations.id, ids));
  const names = new Map(named.map((o) => [o.id, o.name]));
  return {
    canSell: asset.status === "returned" && !sale,
    owed: moneyJson(owed, asset.currency),
    sale: sale && {
      ...sale,
      receipts: sale.receipts.map((r) => ({ ...r, organization: names.get(r.organizationId) ?? `Organization ${r.organizationId}` })),
    },
  };
}

async function assetPage(deps: { db: Db; clock: Clock }, req: Request, res: Response): Promise<void> {
  const { db, clock } = deps;
  const user = requireTreasurer(req);
  const asset = await assetById(db, idParam(req.params.id, "Asset was not found."));
  if (!asset) throw new AppError("not_found", "Asset was not found.");
  const history = (await assetHistory(db, [asset.id])).get(asset.id) ?? [];
  const issues = await issuesOfAsset(db, asset.id);
  const on = today(clock);
  const amount = (minor: number) => toDecimalString(minor, asset.currency);
  const issueDefaults = {
    target: amount(asset.costMinor),
    minimum: amount(asset.costMinor),
    maxRateBps: 300,
    mode: "fixed",
    opensOn: on,
    closesOn: on,
    termMonths: asset.termMonths,
    repayment: "annuity",
    minSubscription: amount(Math.min(asset.costMinor, 5_000)),
    maxPerHolder: amount(asset.costMinor),
  };
  const issueForm = formFromNotice(res, "bond-issue", issueDefaults);
  const saleForm = formFromNotice(res, "sale", { proceeds: "", soldOn: on, reason: "" });
  const transitionForm = formFromNotice(res, "transition");
  const options = (list: readonly string[], chosen: unknown) => list.map((value) => ({ value, selected: value === chosen }));
  const sections = [];
  for (const issue of [...issues].reverse()) sections.push(await issueSection(db, user, issue, on));
  renderPage(
    req,
    res,
    "treasury-asset",
    {
      asset: { ...asset, cost: moneyJson(asset.costMinor, asset.currency), monthlyRent: moneyJson(asset.monthlyRentMinor, asset.currency) },
      history: history.map((e) => ({
        from: e.fromStatus,
        to: e.toStatus,
        reason: e.reason,
        at: e.createdAt,
        atText: readableInstant(e.createdAt),
      })),
      transitions: options(
        MANUAL_ASSET_TRANSITIONS.filter((to) => isManualStep(asset.status, to)),
        transitionForm.values.to,
      ),
      transitionForm,
      canIssue: asset.status === "offering" && !issues.some((i) => i.status === "open"),
      ...(await saleSection(db, asset, issues)),
      saleForm,
      rentMonths: (await rentMonthsWithWaterfall(db, on, asset.id)).reverse(),
      issueForm,
      modes: options(ISSUE_MODES, issueForm.values.mode),
      repayments: options(REPAYMENT_METHODS, issueForm.values.repayment),
      issues: sections,
    },
    { title: `Asset ${asset.id}: ${asset.title}` },
  );
}

export function registerTreasuryAssetPages(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;
  const pathOf = (id: number) => `/treasury/assets/${id}`;
  app.get("/treasury/assets/:id", (req, res) => assetPage(deps, req, res));
  app.post("/treasury/assets/:id/transitions", async (req, res) => {
    const user = requireTreasurer(req);
    const assetId = idParam(req.params.id, "Asset was not found.");
    await attempt(req, res, { backTo: pathOf(assetId), prefix: "The asset did not move", form: "transition" }, async () => {
      const body = formBody(req);
      const step = parseForm(assetTransitionBody, { to: body.to, reason: body.reason });
      const asset = await transitionAsset(db, user, { assetId, ...step }, { clock });
      await redirectWithNotice(res, pathOf(assetId), `Asset ${assetId} is now ${asset.status}.`);
    });
  });
  app.post("/treasury/assets/:id/bond-issues", async (req, res) => {
    const user = requireTreasurer(req);
    const assetId = idParam(req.params.id, "Asset was not found.");
    await attempt(req, res, { backTo: pathOf(assetId), prefix: "The bond issue was not opened", form: "bond-issue" }, async () => {
      const asset = await assetById(db, assetId);
      if (!asset) throw new AppError("not_found", "Asset was not found.");
      const issue = await createBondIssue(db, user, bondIssueFromForm(assetId, asset.currency, formBody(req)), { clock });
      await redirectWithNotice(res, pathOf(assetId), `Bond issue ${issue.id} is open until ${issue.closesOn}.`);
    });
  });
  app.post("/treasury/assets/:id/sale", async (req, res) => {
    const user = requireTreasurer(req);
    const assetId = idParam(req.params.id, "Asset was not found.");
    await attempt(req, res, { backTo: pathOf(assetId), prefix: "The sale was not recorded", form: "sale" }, async () => {
      const asset = await assetById(db, assetId);
      if (!asset) throw new AppError("not_found", "Asset was not found.");
      const body = formBody(req);
      const amount = typeof body.proceeds === "string" ? body.proceeds.replace(/[\s,]/g, "") : body.proceeds;
      const sale = parseForm(assetSaleBody, { proceeds: { amount, currency: asset.currency }, soldOn: body.soldOn, reason: body.reason });
      const sold = await sellAsset(db, user, { assetId, ...sale }, { clock });
      await redirectWithNotice(
        res,
        pathOf(assetId),
        `Asset ${assetId} is sold and liquidated: ${toDecimalString(sold.paidToHoldersMinor, sold.currency)} to the holders.`,
      );
    });
  });
  app.post("/treasury/bond-issues/:id/clear", async (req, res) => {
    const user = requireTreasurer(req);
    const issueId = idParam(req.params.id, "Bond issue was not found.");
    const issue = await issueById(db, issueId);
    if (!issue) throw new AppError("not_found", "Bond issue was not found.");
    await attempt(req, res, { backTo: pathOf(issue.assetId), prefix: "The bond issue was not cleared" }, async () => {
      const { issue: cleared } = await clearBondIssue(db, user, issueId, { clock });
      await redirectWithNotice(res, pathOf(issue.assetId), `Bond issue ${issueId} is ${cleared.status}.`);
    });
  });
}
