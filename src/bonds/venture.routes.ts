// The venture commune's books over HTTP: the rent run, the rent months with their waterfall (the treasurer's
// review list among them), an organization's holdings, and the public list of assets (PRODUCT.md §14).
import type { AppDeps } from "../deps.js";
import { invoicingDeps } from "../billing/billing.routes.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { z } from "zod";
import { publicBaseUrl } from "../config.js";
import { cursorQuery, nextSchema, pageOfList, pageOfSorted } from "../http/pagination.js";
import { monthSchema } from "../shared/schemas.js";
import { moneyJson } from "../shared/money.js";
import { today } from "../shared/clock.js";
import {
  assetSaleBody,
  assetSaleResponse,
  holdingsResponse,
  publicAssetsResponse,
  rentMonthsResponse,
  rentRunBody,
  rentRunResponse,
} from "./bonds.schemas.js";
import { sellAsset } from "./sell-asset.js";
import { AppError } from "../shared/errors.js";
import { requireAsset } from "../assets/assets.queries.js";
import { runRent, type RentRun } from "./rent-run.js";
import { assetSaleView, organizationHoldings, publicAssets, rentMonthView, rentMonthsWithWaterfall } from "./venture.queries.js";

const tag = "venture commune";

export const rentRunView = (run: RentRun) => ({
  month: run.month,
  invoices: run.invoices.map((i) => ({
    id: i.id,
    number: i.number,
    organizationId: i.organizationId,
    total: moneyJson(i.totalMinor, i.currency),
  })),
  months: run.months.map(rentMonthView),
  skipped: run.skipped,
});

export function registerVentureRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db } = deps;
  const base = () => publicBaseUrl(deps.config);
  api.route(
    {
      method: "post",
      path: "/rent-runs",
      tag,
      summary: "Invoice a month's rent of every leased or owned asset to its lessee (treasurer; the month must have ended)",
      auth: "treasurer",
      body: rentRunBody,
      responses: { 200: { description: "The invoices issued and each asset's month", schema: rentRunResponse } },
    },
    async ({ body, user, res }) => {
      res.json(rentRunView(await runRent(db, user, body.month, invoicingDeps(deps))));
    },
  );
  registerSaleRoute(api, deps);
  api.route(
    {
      method: "get",
      path: "/rent-months",
      tag,
      summary: "Every rent month with the bonds' due, the cap, deferrals and the waterfall of what was received (treasurer)",
      auth: "treasurer",
      query: z.object(cursorQuery),
      responses: { 200: { description: "The rent months, by month then asset", schema: rentMonthsResponse.extend({ next: nextSchema }) } },
    },
    async ({ query, req, res }) => {
      const all = await rentMonthsWithWaterfall(db, today(deps.clock));
      const { items, next } = pageOfSorted(req, res, base(), all, query, z.tuple([monthSchema, z.number().int()]), (m) => [
        m.month,
        m.assetId,
      ]);
      res.json({ months: items, next });
    },
  );
  api.route(
    {
      method: "get",
      path: "/organizations/{id}/holdings",
      tag,
      summary: "Bonds the organization holds, with the interest and principal received (members, treasurers)",
      auth: "user",
      params: idParam,
      query: z.object(cursorQuery),
      responses: { 200: { description: "The holdings", schema: holdingsResponse.extend({ next: nextSchema }) } },
    },
    async ({ params, query, user, req, res }) => {
      const { organizationId, holdings } = await organizationHoldings(db, user, params.id);
      const { items, next } = pageOfList(req, res, base(), holdings, query, (h) => h.subscriptionId);
      res.json({ organizationId, holdings: items, next });
    },
  );
  api.route(
    {
      method: "get",
      path: "/public/assets",
      tag,
      summary: "The commune's productive assets: lessees, bonds outstanding and rent collected (public)",
      auth: "public",
      query: z.object(cursorQuery),
      responses: { 200: { description: "The assets, oldest first", schema: publicAssetsResponse.extend({ next: nextSchema }) } },
    },
    async ({ query, req, res }) => {
      const { items, next } = pageOfSorted(req, res, base(), await publicAssets(db), query, z.tuple([z.number().int()]), (a) => [a.id]);
      res.json({ assets: items, next });
    },
  );
}

/** The sale of a returned asset, holders first (PRODUCT.md §14). */
function registerSaleRoute(api: ApiRouter, deps: AppDeps): void {
  const { db } = deps;
  api.route(
    {
      method: "post",
      path: "/assets/{id}/sale",
      tag,
      summary:
        "Record the sale of a returned asset nobody wants: holders first, any surplus to the month's pool, any shortfall their loss (treasurer)",
      auth: "treasurer",
      params: idParam,
      body: assetSaleBody,
      responses: { 201: { description: "The sale and each holder's part", schema: assetSaleResponse } },
    },
    async ({ params, body, user, res }) => {
      await sellAsset(db, user, { assetId: params.id, ...body }, { clock: deps.clock });
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/assets/${params.id}/sale`)
        .json(await assetSaleView(db, params.id));
    },
  );
  api.route(
    {
      method: "get",
      path: "/assets/{id}/sale",
      tag,
      summary: "A sold asset's sale: proceeds, what the holders received, the surplus to the pool and their loss (members, treasurers)",
      auth: "user",
      params: idParam,
      responses: { 200: { description: "The sale", schema: assetSaleResponse } },
    },
    async ({ params, user, res }) => {
      await requireAsset(db, user, params.id);
      const sale = await assetSaleView(db, params.id);
      if (!sale) throw new AppError("not_found", "The asset has not been sold.");
      res.json(sale);
    },
  );
}
