// The one writer of the audit log: every state change is recorded here, inside the transaction that
// makes it, so the change and its record land together or not at all.
import type { Db } from "../db/client.js";
import { auditLog } from "../db/schema.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { isoNow, type Clock } from "../shared/clock.js";

export interface AuditEntry {
  actorUserId: number | null;
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

const auditRow = (entry: AuditEntry, createdAt: string): typeof auditLog.$inferInsert => ({
  actorUserId: entry.actorUserId,
  action: entry.action,
  entityType: entry.entityType,
  entityId: String(entry.entityId),
  before: entry.before === undefined ? null : JSON.stringify(entry.before),
  after: entry.after === undefined ? null : JSON.stringify(entry.after),
  createdAt,
});

/** Records one state change. Call it with the transaction (`tx`) that makes the change. */
export async function recordAudit(tx: Db, entry: AuditEntry, clock: Clock): Promise<void> {
  await tx.insert(auditLog).values(auditRow(entry, isoNow(clock)));
}

/**
 * Records many state changes at the same instant, in the given order, as one bulk insert. Call it with
 * the transaction (`tx`) that makes the changes.
 */
export async function recordAudits(tx: Db, entries: readonly AuditEntry[], clock: Clock): Promise<void> {
  const createdAt = isoNow(clock);
  await bulkInsert(
    tx,
    auditLog,
    entries.map((entry) => auditRow(entry, createdAt)),
  );
}
