import { z } from "zod";
import type { Express } from "express";
import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { cursorQuery, decodeCursor, nextSchema, pageOf } from "../http/pagination.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { requireOrganizationAccess } from "../organizations/organizations.queries.js";
import { getGrant, grantKeyFromCursor, grantKeyOf, listGrants } from "./grants.queries.js";
import { grantIdParam, grantResponse, grantsCursor, grantsResponse } from "./grants.schemas.js";

export function registerGrantRoutes(api: ApiRouter, deps: AppDeps): void {
  api.route(
    {
      method: "get",
      path: "/grants/{id}",
      tag: "grants",
      summary: "A signed commercial reciprocity license grant (public)",
      auth: "public",
      params: grantIdParam,
      responses: { 200: { description: "The grant", schema: grantResponse } },
    },
    async ({ params, res }) => {
      res.json(await getGrant(deps.db, params.id));
    },
  );
  api.route(
    {
      method: "get",
      path: "/organizations/{id}/grants",
      tag: "grants",
      summary: "The organization's grants",
      auth: "user",
      params: idParam,
      query: z.object(cursorQuery),
      responses: { 200: { description: "Grants", schema: grantsResponse.extend({ next: nextSchema }) } },
    },
    async ({ params, query, user, req, res }) => {
      await requireOrganizationAccess(deps.db, user, params.id);
      const key = decodeCursor(query.cursor, grantsCursor);
      const after = key && grantKeyFromCursor(key);
      const rows = await listGrants(deps.db, params.id, { limit: query.limit + 1, after });
      const { items, next } = pageOf(req, res, publicBaseUrl(deps.config), rows, query.limit, grantKeyOf);
      res.json({ grants: items, next });
    },
  );
}

export function registerSigningKeyRoute(app: Express, deps: AppDeps): void {
  app.get("/.well-known/reciprocity-signing-key", (_req, res) => {
    res.type("application/x-pem-file").set("Cache-Control", "public, max-age=3600").send(deps.signer.publicKeyPem);
  });
}
