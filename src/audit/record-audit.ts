import type { Db } from "../db/client.js";
import { auditLog } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";

export interface AuditEntry {
  actorUserId: number | null;
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

/** Records one state change. Call it inside the transaction that makes the change. */
export function recordAudit(db: Db, entry: AuditEntry, clock: Clock): void {
  db.insert(auditLog)
    .values({
      actorUserId: entry.actorUserId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: String(entry.entityId),
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      createdAt: isoNow(clock),
    })
    .run();
}
