import type { AppDeps } from "../deps.js";
import { publicBaseUrl } from "../config.js";
import type { ApiRouter } from "../http/route.js";
import { decodeCursor, pageOf } from "../http/pagination.js";
import { listAudit } from "./audit.queries.js";
import { auditCursor, auditEntriesResponse, auditQuery } from "./audit.schemas.js";

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
    async ({ query, req, res }) => {
      const before = decodeCursor(query.cursor, auditCursor)?.[0];
      const rows = await listAudit(deps.db, { ...query, before, limit: query.limit + 1 });
      const { items, next } = pageOf(req, res, publicBaseUrl(deps.config), rows, query.limit, (e) => [e.id]);
      res.json({ entries: items, next });
    },
  );
}
