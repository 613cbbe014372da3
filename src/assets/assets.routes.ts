import { publicBaseUrl } from "../config.js";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { cursorQuery, decodeCursor, nextSchema, pageOf } from "../http/pagination.js";
import { assetHistory, assetView, listAssets, requireAsset } from "./assets.queries.js";
import { proposeAsset } from "./propose-asset.js";
import { transitionAsset } from "./transition-asset.js";
import { assetResponse, assetTransitionBody, proposeAssetBody, surplusBody, surplusResponse } from "./assets.schemas.js";
import { declareSurplus } from "./declare-surplus.js";
import { moneyJson } from "../shared/money.js";

const tag = "venture commune";

export function registerAssetRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const view = async (asset: Parameters<typeof assetView>[0]) => assetView(asset, (await assetHistory(db, [asset.id])).get(asset.id) ?? []);

  api.route(
    {
      method: "post",
      path: "/assets",
      tag,
      summary: "Propose a productive asset with a rental offer (owners of a verified cooperative)",
      auth: "user",
      body: proposeAssetBody,
      responses: { 201: { description: "The proposed asset", schema: assetResponse } },
    },
    async ({ body, user, res }) => {
      const asset = await view(await proposeAsset(db, user, body, { clock }));
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/assets/${asset.id}`)
        .json(asset);
    },
  );

  registerAssetListRoute(api, deps);

  api.route(
    {
      method: "get",
      path: "/assets/{id}",
      tag,
      summary: "An asset with its rental offer and lifecycle",
      auth: "user",
      params: idParam,
      responses: { 200: { description: "The asset", schema: assetResponse } },
    },
    async ({ params, user, res }) => {
      res.json(await view(await requireAsset(db, user, params.id)));
    },
  );

  api.route(
    {
      method: "post",
      path: "/assets/{id}/transitions",
      tag,
      summary: "Run an asset's lifecycle: offer it, take it back as returned, or liquidate it (treasurer)",
      auth: "treasurer",
      params: idParam,
      body: assetTransitionBody,
      responses: { 200: { description: "The asset after the step", schema: assetResponse } },
    },
    async ({ params, body, user, res }) => {
      res.json(await view(await transitionAsset(db, user, { assetId: params.id, ...body }, { clock })));
    },
  );
  registerSurplusRoute(api, deps);
}

function registerAssetListRoute(api: ApiRouter, deps: AppDeps): void {
  const { db } = deps;
  api.route(
    {
      method: "get",
      path: "/assets",
      tag,
      summary: "Assets with their status and history (members of an organization, treasurers)",
      auth: "user",
      query: z.object(cursorQuery),
      responses: { 200: { description: "Assets, oldest first", schema: z.object({ assets: z.array(assetResponse), next: nextSchema }) } },
    },
    async ({ query, user, req, res }) => {
      const afterId = decodeCursor(query.cursor, z.tuple([z.number().int()]))?.[0];
      const rows = await listAssets(db, user, { afterId, limit: query.limit + 1 });
      const { items: list, next } = pageOf(req, res, publicBaseUrl(deps.config), rows, query.limit, (a) => [a.id]);
      const history = await assetHistory(
        db,
        list.map((a) => a.id),
      );
      res.json({ assets: list.map((a) => assetView(a, history.get(a.id) ?? [])), next });
    },
  );
}

function registerSurplusRoute(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  api.route(
    {
      method: "post",
      path: "/assets/{id}/surplus",
      tag,
      summary: "Declare the lessee's monthly surplus, which caps that month's repayment (owners of the lessee)",
      auth: "user",
      params: idParam,
      body: surplusBody,
      responses: { 201: { description: "The declared surplus and the cap it sets", schema: surplusResponse } },
    },
    async ({ params, body, user, res }) => {
      const d = await declareSurplus(db, user, { assetId: params.id, ...body }, { clock });
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/assets/${params.id}`)
        .json({
          assetId: d.assetId,
          month: d.month,
          surplus: moneyJson(d.surplus.amountMinor, d.surplus.currency),
          cap: moneyJson(d.capMinor, d.surplus.currency),
        });
    },
  );
}
