import express, { type RequestHandler } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import { USAGE_PURPOSES } from "../usage/vocabulary.js";
import { idParamSchema, isoDateSchema } from "../shared/schemas.js";
import type { ApiRouter } from "../http/route.js";
import { requireOrganizationAccess } from "../organizations/organizations.queries.js";
import { usageResponse } from "../usage/usage.schemas.js";
import { checkLockfile } from "./check-lockfile.js";
import { usagesFromCheck } from "./save-check.js";
import { checkReportResponse } from "./checks.schemas.js";
import { checkGuards } from "./check-guards.routes.js";

export function registerCheckRoutes(api: ApiRouter, deps: AppDeps): void {
  const { db, clock, config } = deps;
  // Anonymous checks are rate-limited per client address (counts in the database, shared with the
  // web /check form); every caller has a bounded number of checks in flight.
  const guards = checkGuards(deps);
  // Any media type: lockfiles arrive as JSON, YAML or plain text. gzip is inflated, and the
  // limit applies to the inflated size, so a compressed bomb stops at the limit.
  const rawBody: RequestHandler = express.raw({ type: () => true, limit: config.MAX_UPLOAD_BYTES, inflate: true });

  api.route(
    {
      method: "post",
      path: "/checks",
      tag: "checks",
      summary: "Check a lockfile or SBOM against the registry; ?organizationId= prices it for that organization",
      auth: "optional",
      query: z.object({ organizationId: idParamSchema.optional() }),
      rawBody: {
        contentTypes: ["application/json", "application/yaml", "text/plain", "application/octet-stream"],
        description: "The lockfile or SBOM, as is (Content-Encoding: gzip accepted)",
      },
      before: [guards.rateLimit, guards.concurrency, rawBody],
      responses: { 200: { description: "The check report", schema: checkReportResponse } },
    },
    async ({ query, user, req, res }) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const { report } = await checkLockfile(db, { body, organizationId: query.organizationId, actor: user }, { clock });
      res.json(report);
    },
  );

  api.route(
    {
      method: "post",
      path: "/organizations/{id}/checks/{checkId}/usages",
      tag: "checks",
      summary: "Turn a check into usage declarations for every matched work not yet declared",
      auth: "user",
      params: z.object({ id: idParamSchema, checkId: idParamSchema }),
      body: z.strictObject({ purpose: z.enum(USAGE_PURPOSES), startedOn: isoDateSchema }),
      responses: {
        201: {
          description: "The usages declared",
          schema: z.object({ created: z.array(usageResponse), alreadyDeclared: z.number().int() }),
        },
      },
    },
    async ({ params, body, user, res }) => {
      const org = await requireOrganizationAccess(db, user, params.id);
      res
        .status(201)
        .location(`${publicBaseUrl(deps.config)}/api/v1/organizations/${org.id}/usages`)
        .json(await usagesFromCheck(db, org, { checkId: params.checkId, ...body, actorUserId: user.id }, { clock }));
    },
  );
}
