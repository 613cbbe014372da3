// A billing run for one month (PRODUCT.md §4–§5). Idempotent per month: each organization's
// invoice is written in a transaction together with its number and ledger entries, and the
// unique (organization, month) index turns a rerun, a concurrent run or a run after a crash
// into a no-op for every organization already invoiced. Work is committed in chunks, so a
// crash loses at most the chunk in flight and a rerun completes it, with no gap in numbers.
//
// The run reads a batch of organizations at a time (outside any transaction), decides their invoices in
// plain code, then writes set by set: per chunk of invoices, one insert per table. Memory stays flat
// however many organizations, usages and works there are.
import { setImmediate } from "node:timers/promises";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { lockForUpdate, queryRows, toInt } from "../db/sql.js";
import { billingRuns, invoiceLines, invoices, organizations } from "../db/schema.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError, assert } from "../shared/errors.js";
import type { OrganizationKind, VerificationStatus } from "../organizations/vocabulary.js";
import { addMonths, monthBounds, type FeeScheduleVersion } from "../fees/compute-fees.js";
import { feeScheduleOn, getFeeSchedule } from "../fees/fee-schedules.queries.js";
import { obligationOf } from "../usage/obligation.js";
import { recordAudits, type AuditEntry } from "../audit/record-audit.js";
import { InvoiceNumberer, issueTerms, recordIssues, type IssuedInvoice, type IssueTerms } from "../invoices/issue-invoice.js";
import { issuedStatus } from "../invoices/invoice-rules.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";
import { bulkInsert } from "../db/bulk-insert.js";
import {
  billingScope,
  candidateCount,
  DEFAULT_CATCH_UP_MONTHS,
  PLAN_BATCH,
  planBatches,
  type BillingScope,
  type OrgRow,
  type PlannedInvoice,
} from "./plan-billing.js";
import { currentOwner, markActive, ownerGone } from "./run-owner.js";

export interface BillingRunOptions {
  month: string;
  actorUserId: number | null;
  /** Organizations per transaction. */
  chunkSize?: number;
  /** How many months back usage declared after their billing is caught up (CATCH_UP_MONTHS). */
  catchUpMonths?: number;
  onProgress?: (done: number, total: number) => void;
}

/** What every chunk of one run shares. */
interface RunContext {
  month: string;
  runId: number;
  schedule: FeeScheduleVersion;
  actorUserId: number | null;
  deps: InvoicingDeps;
}

/** Only months that have ended are billed (PRODUCT.md §13): the month after `month` has begun, UTC. */
export function assertMonthOver(month: string, clock: Clock): void {
  const next = monthBounds(addMonths(month, 1)).first;
  if (today(clock) < next) throw new AppError("month_not_over", `${month} has not ended yet: it can be billed from ${next} (UTC).`);
}

export async function runBilling(db: Db, options: BillingRunOptions, deps: InvoicingDeps) {
  const { month } = options;
  assertMonthOver(month, deps.clock);
  const { runId, schedule } = await startRun(db, month, options.actorUserId, deps.clock);
  markActive(runId, true);
  try {
    const scope = await billingScope(db, month, { catchUpMonths: options.catchUpMonths ?? DEFAULT_CATCH_UP_MONTHS, schedule });
    const context: RunContext = { month, runId, schedule, actorUserId: options.actorUserId, deps };
    const created = await writeInChunks(db, scope, context, options);
    await finishRun(db, runId, "completed", created, deps.clock);
    // The month's invoices are not returned: there may be many. monthInvoicePages reads them a page at a time.
    return { runId, month, feeScheduleId: schedule.id, invoicesCreated: created };
  } catch (error) {
    // The chunks committed so far stay; the next run of the month completes the rest.
    await finishRun(db, runId, "crashed", null, deps.clock).catch(() => undefined);
    throw error;
  } finally {
    markActive(runId, false);
  }
}

async function finishRun(db: Db, runId: number, status: "completed" | "crashed", created: number | null, clock: Clock) {
  await db.transaction(async (tx) => {
    await tx
      .update(billingRuns)
      .set({ status, ...(created === null ? {} : { invoicesCreated: created }), finishedAt: isoNow(clock) })
      .where(eq(billingRuns.id, runId));
  });
}

/**
 * Records the run with the fee schedule in force. The schedule is read again after the run's row
 * references it: from then on no one may replace it (see saveFeeSchedule), so what is read is what bills.
 * Earlier runs of the month that crashed are marked so, and as resumed by this one.
 */
async function startRun(db: Db, month: string, actorUserId: number | null, clock: Clock) {
  return db.transaction(async (tx) => {
    const inForce = await feeScheduleOn(tx, monthBounds(month).first);
    const [run] = await tx
      .insert(billingRuns)
      .values({
        month,
        feeScheduleId: inForce.id,
        status: "running",
        startedBy: actorUserId,
        startedAt: isoNow(clock),
        owner: currentOwner(),
      })
      .returning({ id: billingRuns.id });
    assert(run, "the billing run was recorded");
    const earlier = await tx
      .select({ id: billingRuns.id, status: billingRuns.status, owner: billingRuns.owner, resumedBy: billingRuns.resumedByRunId })
      .from(billingRuns)
      .where(and(eq(billingRuns.month, month), ne(billingRuns.id, run.id), ne(billingRuns.status, "completed")));
    for (const e of earlier) {
      if (e.resumedBy !== null || (e.status === "running" && !ownerGone(e.id, e.owner))) continue;
      await tx
        .update(billingRuns)
        .set({ status: "crashed", resumedByRunId: run.id, finishedAt: e.status === "running" ? isoNow(clock) : undefined })
        .where(eq(billingRuns.id, e.id));
    }
    return { runId: run.id, schedule: await getFeeSchedule(tx, inForce.id) };
  });
}

/**
 * Writes the plan as it is made, `chunkSize` invoices a transaction, so no more than a batch of the plan and
 * a chunk are held at once. Progress counts the organizations read (those with a commercial usage in the
 * months billed), up to the last one whose invoice is written.
 */
async function writeInChunks(db: Db, scope: BillingScope, context: RunContext, options: BillingRunOptions): Promise<number> {
  const chunkSize = options.chunkSize ?? PLAN_BATCH;
  const { onProgress } = options;
  const total = onProgress ? await candidateCount(db, scope) : 0;
  let created = 0;
  let read = 0;
  let pending: PlannedInvoice[] = [];
  onProgress?.(0, total);
  for await (const batch of planBatches(db, scope)) {
    pending = pending.length === 0 ? batch.planned : pending.concat(batch.planned);
    while (pending.length >= chunkSize) {
      const chunk = pending.slice(0, chunkSize);
      pending = pending.slice(chunkSize);
      created += await db.transaction((tx) => writeChunk(tx, chunk, context));
      await nextTurn();
      // The chunk's last invoice is of this batch: the organizations before it in the batch are done.
      const done = read + batch.orgIds.indexOf(chunk[chunk.length - 1]!.org.id) + 1;
      onProgress?.(done, Math.max(total, done));
    }
    read = batch.read;
  }
  if (pending.length > 0) created += await db.transaction((tx) => writeChunk(tx, pending, context));
  onProgress?.(read, Math.max(total, read));
  return created;
}

/**
 * Lets the event loop turn after each chunk written (the plan turns between batches): SQLite's driver is
 * synchronous, so without it a run would hold the server (every request, every read) from its first
 * organization to its last. With chunks as large as a planned batch, the longest the server waits is one batch
 * planned or one chunk written.
 */
const nextTurn = () => setImmediate();

/** One chunk's invoices with their lines, numbers, ledger entries and audit entries, in one transaction. */
async function writeChunk(tx: Db, chunk: PlannedInvoice[], context: RunContext): Promise<number> {
  const { month, deps } = context;
  const now = isoNow(deps.clock);
  const terms = issueTerms(deps);
  const { fresh, numberer } = await claimChunk(tx, chunk, context, terms.year);
  const numbers = fresh.map((p) => (p.obligation === "fee" ? numberer.next() : null));
  const ids = await insertInvoices(tx, fresh, numbers, context, terms, now);
  // Numbers were handed out in order: an invoice not inserted would leave a gap. Roll the chunk back.
  assert(ids.size === fresh.length, "every invoice of the chunk was inserted");
  const idOf = (p: PlannedInvoice) => ids.get(p.org.id)!;
  await insertLines(tx, fresh, idOf);
  const issued: IssuedInvoice[] = [];
  fresh.forEach((p, i) => {
    const number = numbers[i];
    if (number)
      issued.push({
        id: idOf(p),
        number,
        organizationId: p.org.id,
        month,
        totalMinor: p.computed.totalMinor,
        currency: context.schedule.currency,
      });
  });
  await recordIssues(tx, issued, terms.issuedOn, deps);
  await recordAudits(
    tx,
    fresh.map((p, i) => auditEntry(p, idOf(p), numbers[i] ?? null, context)),
    deps.clock,
  );
  await numberer.flush();
  // Counted with the chunk: a run that crashes later still says what it wrote.
  await tx
    .update(billingRuns)
    .set({ invoicesCreated: sql`${billingRuns.invoicesCreated} + ${fresh.length}` })
    .where(eq(billingRuns.id, context.runId));
  return fresh.length;
}

/**
 * Takes the chunk's locks in the order every writer takes them (the organizations' rows, then the
 * year's invoice numbers) and returns what is still to be written, as the organizations now are.
 */
async function claimChunk(tx: Db, chunk: PlannedInvoice[], context: RunContext, year: number) {
  const orgIds = chunk.map((p) => p.org.id);
  // A verification decision on one of them either committed before (its outcome is read here) or
  // waits for this chunk's commit (and then settles the held invoice written here).
  const current = await lockOrganizations(tx, orgIds);
  // Every chunk of every run takes the year's number lock next, so the chunks of concurrent runs (on
  // any process) write one after the other: the invoices read next are all that others committed.
  const numberer = await InvoiceNumberer.open(tx, context.deps.invoicePrefix, year);
  const taken = await invoicedAmong(tx, context.month, orgIds);
  const fresh = replan(
    chunk.filter((p) => !taken.has(p.org.id)),
    current,
  );
  return { fresh, numberer };
}

type Classification = Pick<OrgRow, "kind" | "verificationStatus">;

/** The organizations' rows, locked until the transaction ends, in id order; their classification as it now is. */
async function lockOrganizations(tx: Db, orgIds: number[]): Promise<Map<number, Classification>> {
  const rows = await inStatements(orgIds, 1, (slice) =>
    queryRows<{ id: unknown; kind: OrganizationKind; verification_status: VerificationStatus | null }>(
      tx,
      sql`select id, kind, verification_status from organizations where ${inArray(organizations.id, slice)} order by id${lockForUpdate(tx)}`,
    ),
  );
  return new Map(rows.map((r) => [toInt(r.id), { kind: r.kind, verificationStatus: r.verification_status }]));
}

/** The plans as the organizations now are: a cooperative decided since the run read it owes otherwise. */
function replan(planned: PlannedInvoice[], current: Map<number, Classification>): PlannedInvoice[] {
  return planned.flatMap((p) => {
    const org = current.get(p.org.id);
    const obligation = org ? obligationOf("commercial", org) : "none";
    return obligation === "none" ? [] : [{ ...p, obligation }];
  });
}

/** Which of these organizations have a fee invoice for the month already (a rent invoice is another kind). */
async function invoicedAmong(tx: Db, month: string, orgIds: number[]): Promise<Set<number>> {
  const rows = await inStatements(orgIds, 1, (slice) =>
    tx
      .select({ org: invoices.organizationId })
      .from(invoices)
      .where(and(eq(invoices.month, month), eq(invoices.kind, "fees"), inArray(invoices.organizationId, slice))),
  );
  return new Set(rows.map((r) => r.org));
}

// A statement binds at most 30,000 parameters: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMETERS = 30_000;

/** Runs `write` once per slice of `rows` small enough for one statement of `columns` parameters a row. */
async function inStatements<T, R>(rows: T[], columns: number, write: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  const size = Math.floor(MAX_PARAMETERS / columns);
  const results: R[] = [];
  for (let start = 0; start < rows.length; start += size) results.push(...(await write(rows.slice(start, start + size))));
  return results;
}

/** Inserts the invoices; returns each new invoice's id by organization. */
async function insertInvoices(
  tx: Db,
  planned: PlannedInvoice[],
  numbers: (string | null)[],
  context: RunContext,
  terms: IssueTerms,
  now: string,
): Promise<Map<number, number>> {
  const { schedule } = context;
  if (planned.length === 0) return new Map();
  const rows = planned.map((p, i): typeof invoices.$inferInsert => {
    const issue = numbers[i] !== null;
    return {
      number: numbers[i],
      organizationId: p.org.id,
      month: context.month,
      status: issue ? issuedStatus(p.computed.totalMinor) : "held",
      currency: schedule.currency,
      totalMinor: p.computed.totalMinor,
      issuedOn: issue ? terms.issuedOn : null,
      dueOn: issue ? terms.dueOn : null,
      billingRunId: context.runId,
      feeScheduleId: schedule.id,
      note: p.computed.notes.length ? p.computed.notes.join(" ") : null,
      buyerName: p.org.name,
      buyerCountry: p.org.country,
      createdAt: now,
    };
  });
  // RETURNING lists rows in no promised order: the organization says which invoice is whose.
  const inserted = await bulkInsert(tx, invoices, rows, { onConflictDoNothing: true, returning: ["id", "organization_id"] });
  return new Map(inserted.map((r) => [toInt(r.organization_id), toInt(r.id)]));
}

async function insertLines(tx: Db, planned: PlannedInvoice[], idOf: (p: PlannedInvoice) => number): Promise<void> {
  const rows = planned.flatMap((p) =>
    p.computed.lines.map((l, i): typeof invoiceLines.$inferInsert => ({
      invoiceId: idOf(p),
      position: i + 1,
      kind: l.kind,
      workId: l.workId,
      description: l.description,
      amountMinor: l.amountMinor,
      days: l.days,
      daysInMonth: l.kind === "fee" ? monthBounds(l.month).days : null,
      annualFeeMinor: l.annualFeeMinor,
      obligation: l.kind === "fee" ? p.obligation : null,
      month: l.month,
    })),
  );
  await bulkInsert(tx, invoiceLines, rows);
}

function auditEntry(p: PlannedInvoice, invoiceId: number, number: string | null, context: RunContext): AuditEntry {
  return {
    actorUserId: context.actorUserId,
    action: number ? "invoice.issued" : "invoice.held",
    entityType: "invoice",
    entityId: invoiceId,
    after: { number, month: context.month, totalMinor: p.computed.totalMinor, billingRunId: context.runId },
  };
}

export async function listBillingRuns(db: Db) {
  return db.select().from(billingRuns).orderBy(billingRuns.id);
}
