import type { AppDeps } from "../deps.js";
import type { ApiRouter } from "../http/route.js";
import { listAudit } from "./audit.queries.js";
import { auditEntriesResponse, auditQuery } from "./audit.schemas.js";

export function registerAuditRoutes(api: ApiRouter, deps: AppDeps): void {
  api.route(
    {
      method: "get",
      path: "/audit-log",
      tag: "audit",
      summary: "Every state change, newest first",
      auth: "treasurer",
      query: auditQuery,
      responses: {
        200: {
          description: "Audit entries",
          schema: auditEntriesResponse,
        },
      },
    },
    async ({ query, res }) => {
      res.json({ entries: await listAudit(deps.db, query) });
    },
  );
}
