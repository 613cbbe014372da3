// Statements (PRODUCT.md §11.7, issue "statements per organization and month with their own gapless
// numbers"): when a month's run is approved, each organization it allocates to gets that month's statement
// in the approval's own transaction: opening (the previous statement's closing), the run's allocations,
// the payouts confirmed less returned since the previous statement, and the closing payable (its ledger
// balance after the approval entry). Numbers `ST-{YYYY}-{NNNNNN}` count per year of issue without gaps,
// from their own sequence row, locked like invoice numbers' (a rollback takes the numbers back too).
import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { lockForUpdate, queryRows, toInt } from "../db/sql.js";
import { distributionAllocations, statementNumberSequences, statements, works } from "../db/schema.js";
import { AppError, assert } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";
import { statementIssuedFacts } from "../books/facts.js";
import { appendPreparedFacts, prepareFacts } from "../books/append-fact.js";
import { meanwhile } from "../db/meanwhile.js";

export type Statement = typeof statements.$inferSelect;

export const formatStatementNumber = (year: number, n: number): string => `ST-${year}-${String(n).padStart(6, "0")}`;

/** Takes `count` numbers of `year` in the caller's transaction: the first of them. */
async function takeNumbers(tx: Db, year: number, count: number): Promise<number> {
  await tx.insert(statementNumberSequences).values({ year, lastNumber: 0 }).onConflictDoNothing();
  const [row] = await queryRows<{ last_number: unknown }>(
    tx,
    sql`select last_number from statement_number_sequences where year = ${year}${lockForUpdate(tx)}`,
  );
  assert(row, "the year's statement sequence row exists");
  const last = toInt(row.last_number);
  if (count > 0)
    await tx
      .update(statementNumberSequences)
      .set({ lastNumber: last + count })
      .where(eq(statementNumberSequences.year, year));
  return last + 1;
}

/** Issues the run's statements, in the approval's transaction (`tx`), after its ledger entry `transactionId`. */
export async function issueStatements(
  tx: Db,
  run: { id: number; month: string; currency: string },
  allocations: readonly { organizationId: number | null; amountMinor: number }[],
  transactionId: number,
  issuedAt: string,
): Promise<void> {
  const allocated = new Map<number, number>();
  for (const a of allocations)
    if (a.organizationId !== null) allocated.set(a.organizationId, (allocated.get(a.organizationId) ?? 0) + a.amountMinor);
  if (allocated.size === 0) return;
  const previous = new Map(
    (
      await queryRows<{ organization_id: unknown; closing: unknown }>(
        tx,
        sql`select s.organization_id, s.closing_minor as closing from statements s
            join (select organization_id, max(id) as id from statements where currency = ${run.currency} group by organization_id) l on l.id = s.id`,
      )
    ).map((r) => [toInt(r.organization_id), toInt(r.closing)]),
  );
  const balances = new Map(
    (
      await queryRows<{ account: string; balance: unknown }>(
        tx,
        sql`select account, sum(amount) as balance from (
              select credit_account as account, amount_minor as amount from ledger_transfers where credit_account like 'payable:%' and currency = ${run.currency} and transaction_id <= ${transactionId}
              union all select debit_account, -amount_minor from ledger_transfers where debit_account like 'payable:%' and currency = ${run.currency} and transaction_id <= ${transactionId}
            ) as sides group by account`,
      )
    ).map((r) => [r.account, toInt(r.balance)]),
  );
  const year = Number(issuedAt.slice(0, 4));
  const ids = [...allocated.keys()].sort((a, b) => a - b);
  const first = await takeNumbers(tx, year, ids.length);
  const rows = ids.map((organizationId, i) => {
    const openingMinor = previous.get(organizationId) ?? 0;
    const allocatedMinor = allocated.get(organizationId)!;
    const closingMinor = balances.get(`payable:${organizationId}`) ?? 0;
    return {
      number: formatStatementNumber(year, first + i),
      organizationId,
      month: run.month,
      runId: run.id,
      currency: run.currency,
      openingMinor,
      allocatedMinor,
      paidOutMinor: openingMinor + allocatedMinor - closingMinor,
      closingMinor,
      ledgerTransactionId: transactionId,
      issuedAt,
    };
  });
  // The statements' log entries are made while their rows are inserted (PostgreSQL works meanwhile).
  const [, facts] = await meanwhile(bulkInsert(tx, statements, rows), () => prepareFacts(statementIssuedFacts(rows), issuedAt));
  await appendPreparedFacts(tx, facts);
}

export function statementSummary(s: Statement) {
  const money = (n: number) => moneyJson(n, s.currency);
  return {
    number: s.number,
    organizationId: s.organizationId,
    month: s.month,
    opening: money(s.openingMinor),
    allocated: money(s.allocatedMinor),
    paidOut: money(s.paidOutMinor),
    closing: money(s.closingMinor),
    issuedAt: s.issuedAt,
  };
}

/** The organization's statements, newest month first, after the cursor's month. */
export async function listStatements(db: Db, organizationId: number, options: { before?: string | undefined; limit: number }) {
  return db
    .select()
    .from(statements)
    .where(and(eq(statements.organizationId, organizationId), options.before ? lt(statements.month, options.before) : undefined))
    .orderBy(desc(statements.month))
    .limit(options.limit);
}

/** One statement with its allocations and the payouts it covers (confirmed or returned since the one issued before it). */
export async function statementView(db: Db, organizationId: number, month: string) {
  const [s] = await db
    .select()
    .from(statements)
    .where(and(eq(statements.organizationId, organizationId), eq(statements.month, month)))
    .limit(1);
  if (!s) throw new AppError("not_found", `No statement for ${month}.`);
  const [prev] = await db
    .select({ tx: statements.ledgerTransactionId })
    .from(statements)
    .where(and(eq(statements.organizationId, organizationId), lt(statements.ledgerTransactionId, s.ledgerTransactionId)))
    .orderBy(desc(statements.ledgerTransactionId))
    .limit(1);
  const after = prev?.tx ?? 0;
  const allocations = await db
    .select({ bucket: distributionAllocations.bucketKey, slug: works.slug, amountMinor: distributionAllocations.amountMinor })
    .from(distributionAllocations)
    .leftJoin(works, eq(works.id, distributionAllocations.workId))
    .where(and(eq(distributionAllocations.runId, s.runId), eq(distributionAllocations.organizationId, organizationId)))
    .orderBy(asc(distributionAllocations.position));
  const payoutRows = await queryRows<{ end_to_end_id: string; amount: unknown; kind: string; tx: unknown }>(
    db,
    sql`select p.end_to_end_id, p.amount_minor as amount, 'confirmed' as kind, b.confirmed_transaction_id as tx from payouts p join payout_batches b on b.id = p.batch_id
          where p.organization_id = ${organizationId} and b.confirmed_transaction_id > ${after} and b.confirmed_transaction_id <= ${s.ledgerTransactionId}
            and (p.status <> 'returned' or p.returned_transaction_id is not null)
        union all select p.end_to_end_id, p.amount_minor, 'returned', p.returned_transaction_id from payouts p
          where p.organization_id = ${organizationId} and p.returned_transaction_id > ${after} and p.returned_transaction_id <= ${s.ledgerTransactionId}
        order by 4, 1`,
  );
  const money = (n: number) => moneyJson(n, s.currency);
  return {
    ...statementSummary(s),
    allocations: allocations.map((a) => ({ bucket: a.bucket, workSlug: a.slug, amount: money(a.amountMinor) })),
    payouts: payoutRows.map((p) => ({ endToEndId: p.end_to_end_id, kind: p.kind, amount: money(toInt(p.amount)) })),
  };
}
