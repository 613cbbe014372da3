import type { Express } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { idParam, type ApiRouter } from "../http/route.js";
import { requireOrganizationAccess } from "../organizations/organizations.queries.js";
import { getGrant, listGrants } from "./grants.queries.js";

const grantResponse = z
  .object({
    id: z.string(),
    document: z.string(),
    signature: z.string(),
    algorithm: z.literal("Ed25519"),
    keyFingerprint: z.string(),
    organizationId: z.number().int(),
    organizationName: z.string(),
    workSlug: z.string(),
    month: z.string(),
    invoiceNumber: z.string().nullable(),
    publicKeyUrl: z.string(),
    issuedAt: z.string(),
  })
  .meta({ id: "Grant" });

export function registerGrantRoutes(api: ApiRouter, deps: AppDeps): void {
  api.route(
    {
      method: "get",
      path: "/grants/{id}",
      tag: "grants",
      summary: "A signed commercial reciprocity license grant (public)",
      auth: "public",
      params: z.object({ id: z.uuid() }),
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
      responses: { 200: { description: "Grants", schema: z.object({ grants: z.array(grantResponse) }) } },
    },
    async ({ params, user, res }) => {
      await requireOrganizationAccess(deps.db, user, params.id);
      res.json({ grants: await listGrants(deps.db, params.id) });
    },
  );
}

export function registerSigningKeyRoute(app: Express, deps: AppDeps): void {
  app.get("/.well-known/reciprocity-signing-key", (_req, res) => {
    res.type("application/x-pem-file").set("Cache-Control", "public, max-age=3600").send(deps.signer.publicKeyPem);
  });
}
