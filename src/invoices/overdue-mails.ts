// Overdue reminders: each invoice found overdue is claimed once (a row in `overdue_mails`, keyed by the
// invoice), and only the claims this call made are mailed, after their transaction has committed. Two
// runs at once, or a run repeated, never remind of the same invoice twice.
import { and, eq, inArray, isNotNull, isNull, lt } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { invoices, overdueMails } from "../db/schema.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { PAYABLE_STATUSES } from "./invoice-rules.js";

/** Invoices claimed per transaction. */
const CLAIM_BATCH = 500;

/**
 * Claims the invoices that are overdue today and were never reminded of; returns their ids (at most
 * `limit`, oldest first). A claim is kept even if its mail then fails: a reminder is sent at most once.
 */
export async function claimOverdueInvoices(db: Db, deps: { clock: Clock }, limit = 10_000): Promise<number[]> {
  const day = today(deps.clock);
  const claimed: number[] = [];
  while (claimed.length < limit) {
    const candidates = await db
      .select({ id: invoices.id })
      .from(invoices)
      .leftJoin(overdueMails, eq(overdueMails.invoiceId, invoices.id))
      .where(
        and(
          inArray(invoices.status, [...PAYABLE_STATUSES]),
          isNotNull(invoices.dueOn),
          lt(invoices.dueOn, day),
          isNull(overdueMails.invoiceId),
        ),
      )
      .orderBy(invoices.id)
      .limit(Math.min(CLAIM_BATCH, limit - claimed.length));
    if (candidates.length === 0) break;
    const now = isoNow(deps.clock);
    const rows = await db.transaction(async (tx) =>
      tx
        .insert(overdueMails)
        .values(candidates.map((c) => ({ invoiceId: c.id, foundOn: day, createdAt: now })))
        .onConflictDoNothing()
        .returning({ invoiceId: overdueMails.invoiceId }),
    );
    claimed.push(...rows.map((r) => r.invoiceId));
    // Every candidate was claimed meanwhile by another run: the next read finds other ones or none.
    if (candidates.length < CLAIM_BATCH) break;
  }
  return claimed;
}
