// The one writer of the audit log: every state change is recorded here, inside the transaction that
// makes it, so the change and its record land together or not at all.
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

// Seven parameters a row: 4,000 rows stay under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const ROWS_PER_STATEMENT = 4000;

/**
 * Records many state changes at the same instant, in the given order: one multi-row insert (one per
 * 4,000 entries). Call it with the transaction (`tx`) that makes the changes.
 */
export async function recordAudits(tx: Db, entries: readonly AuditEntry[], clock: Clock): Promise<void> {
  const createdAt = isoNow(clock);
  for (let start = 0; start < entries.length; start += ROWS_PER_STATEMENT) {
    const rows = entries.slice(start, start + ROWS_PER_STATEMENT).map((entry) => auditRow(entry, createdAt));
    await tx.insert(auditLog).values(rows);
  }
}
