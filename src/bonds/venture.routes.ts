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
import { holdingsResponse, publicAssetsResponse, rentMonthsResponse, rentRunBody, rentRunResponse } from "./bonds.schemas.js";
import { runRent, type RentRun } from "./rent-run.js";
import { organizationHoldings, publicAssets, rentMonthView, rentMonthsWithWaterfall } from "./venture.queries.js";

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
      const all = await rentMonthsWithWaterfall(db);
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
