import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { auditLog, users } from "../db/schema.js";

export interface AuditQuery {
  entityType?: string | undefined;
  entityId?: string | undefined;
  action?: string | undefined;
  before?: number | undefined;
  limit: number;
}

/** The actions recorded so far, for a filter's choices. */
export async function auditActions(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
  return rows.map((r) => r.action);
}

export async function listAudit(db: Db, q: AuditQuery) {
  const conditions = [
    q.entityType ? eq(auditLog.entityType, q.entityType) : undefined,
    q.entityId ? eq(auditLog.entityId, q.entityId) : undefined,
    q.action ? eq(auditLog.action, q.action) : undefined,
    q.before ? lt(auditLog.id, q.before) : undefined,
  ];
  const rows = await db
    .select({ entry: auditLog, actorEmail: users.email })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
  return rows.map(({ entry, actorEmail }) => ({
    id: entry.id,
    at: entry.createdAt,
    actor: entry.actorUserId === null ? null : { userId: entry.actorUserId, email: actorEmail },
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before === null ? null : (JSON.parse(entry.before) as unknown),
    after: entry.after === null ? null : (JSON.parse(entry.after) as unknown),
  }));
}
