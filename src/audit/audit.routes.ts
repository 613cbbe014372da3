import { z } from "zod";
import type { AppDeps } from "../deps.js";
import type { ApiRouter } from "../http/route.js";
import { listAudit } from "./audit.queries.js";

export function registerAuditRoutes(api: ApiRouter, deps: AppDeps): void {
  api.route(
    {
      method: "get",
      path: "/audit-log",
      tag: "audit",
      summary: "Every state change, newest first",
      auth: "treasurer",
      query: z.object({
        entityType: z.string().max(50).optional(),
        entityId: z.string().max(50).optional(),
        before: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      responses: {
        200: {
          description: "Audit entries",
          schema: z.object({
            entries: z.array(
              z.object({
                id: z.number().int(),
                at: z.string(),
                actor: z.object({ userId: z.number().int(), email: z.string().nullable() }).nullable(),
                action: z.string(),
                entityType: z.string(),
                entityId: z.string(),
                before: z.unknown(),
                after: z.unknown(),
              }),
            ),
          }),
        },
      },
    },
    async ({ query, res }) => {
      res.json({ entries: await listAudit(deps.db, query) });
    },
  );
}
