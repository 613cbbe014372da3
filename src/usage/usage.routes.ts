import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { cursorQuery, nextSchema, pageOfList } from "../http/pagination.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { requireOrganizationAccess } from "../organizations/organizations.queries.js";
import { declareUsages, endUsage } from "./declare-usage.js";
import { listUsages } from "./usage.queries.js";
import { endUsageBody, usageBody, usageParams, usageResponse } from "./usage.schemas.js";

export function registerUsageRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const tag = "usages";

  api.route(
    {
      method: "post",
      path: "/organizations/{id}/usages",
      tag,
      summary: "Declare that the organization uses a work",
      auth: "user",
      params: idParam,
      body: usageBody,
      responses: { 201: { description: "The usage with its obligation", schema: usageResponse } },
    },
    async ({ params, body, user, res }) => {
      const org = await requireOrganizationAccess(db, user, params.id);
      const [declared] = await declareUsages(db, org, [body], user.id, { clock });
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/organizations/${org.id}/usages`)
        .json(declared);
    },
  );

  api.route(
    {
      method: "get",
      path: "/organizations/{id}/usages",
      tag,
      summary: "The organization's usages with their obligations",
      auth: "user",
      params: idParam,
      query: z.object(cursorQuery),
      responses: { 200: { description: "Usages", schema: z.object({ usages: z.array(usageResponse), next: nextSchema }) } },
    },
    async ({ params, query, user, req, res }) => {
      const all = await listUsages(db, await requireOrganizationAccess(db, user, params.id));
      const { items, next } = pageOfList(req, res, publicBaseUrl(deps.config), all, query, (u) => u.id);
      res.json({ usages: items, next });
    },
  );

  api.route(
    {
      method: "post",
      path: "/organizations/{id}/usages/{usageId}/end",
      tag,
      summary: "End a usage on a date",
      auth: "user",
      params: usageParams,
      body: endUsageBody,
      responses: { 200: { description: "The usage", schema: usageResponse } },
    },
    async ({ params, body, user, res }) => {
      const org = await requireOrganizationAccess(db, user, params.id);
      res.json(await endUsage(db, org, { usageId: params.usageId, endedOn: body.endedOn, actorUserId: user.id }, { clock }));
    },
  );
}
