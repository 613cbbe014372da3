// A billing run for one month (PRODUCT.md §4–§5). Idempotent per month: each organization's
// invoice is written in a transaction together with its number and ledger entries, and the
// unique (organization, month) index turns a rerun, a concurrent run or a run after a crash
// into a no-op for every organization already invoiced. Work is committed in chunks, so a
// crash loses at most the chunk in flight and a rerun completes it, with no gap in numbers.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { billingRuns, invoices, type OrganizationKind, type VerificationStatus } from "../db/schema.js";
import { isoNow } from "../shared/clock.js";
import { moneyJson } from "../shared/money.js";
import { computeMonthlyInvoice, monthBounds, type DateInterval, type SizeFactsInForce, type WorkUse } from "../fees/compute-fees.js";
import { feeScheduleOn } from "../fees/fee-schedules.queries.js";
import { obligationOf } from "../usage/obligation.js";
import { InvoiceNumberer, issuedStatus, issueTerms, recordIssue } from "../invoices/issue-invoice.js";
import { assert } from "../shared/errors.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";

export interface BillingRunOptions {
  month: string;
  actorUserId: number | null;
  /** Organizations per transaction. */
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

interface OrgRow {
  id: number;
  name: string;
  country: string | null;
  kind: OrganizationKind;
  verification_status: VerificationStatus | null;
}

export function runBilling(db: Db, options: BillingRunOptions, deps: InvoicingDeps) {
  const { month } = options;
  const { first, last, days } = monthBounds(month);
  const schedule = feeScheduleOn(db, first);
  const startedAt = isoNow(deps.clock);
  const run = inTransaction(db, () =>
    db
      .insert(billingRuns)
      .values({ month, feeScheduleId: schedule.id, status: "running", startedBy: options.actorUserId, startedAt })
      .returning()
      .get(),
  );

  const orgs = new Map(
    (db.$client.prepare("select id, name, country, kind, verification_status from organizations").all() as OrgRow[]).map((o) => [o.id, o]),
  );
  const workNames = new Map(
    (db.$client.prepare("select id, slug, title from works").raw().all() as [number, string, string][]).map(([id, slug, title]) => [
      id,
      { slug, title },
    ]),
  );
  // Raw rows (arrays), no join: this query returns one row per usage, the run's largest read.
  const usageRows = db.$client
    .prepare(
      `select organization_id, work_id, started_on, ended_on from usages
       where purpose = 'commercial' and started_on <= ? and (ended_on is null or ended_on >= ?)`,
    )
    .raw()
    .all(last, first) as [number, number, string, string | null][];
  const usesByOrg = new Map<number, Map<number, WorkUse>>();
  for (const [org, workId, startedOn, endedOn] of usageRows) {
    let byWork = usesByOrg.get(org);
    if (!byWork) usesByOrg.set(org, (byWork = new Map<number, WorkUse>()));
    let use = byWork.get(workId);
    if (!use) {
      const names = workNames.get(workId)!;
      byWork.set(workId, (use = { workId, workSlug: names.slug, workTitle: names.title, intervals: [] as DateInterval[] }));
    }
    use.intervals.push({ startedOn, endedOn });
  }
  const facts = new Map<number, SizeFactsInForce>();
  const factRows = db.$client
    .prepare(
      "select organization_id as org, headcount, annual_revenue_minor as rev, revenue_currency as cur from size_facts where effective_on <= ? order by organization_id, effective_on, id",
    )
    .all(first) as { org: number; headcount: number; rev: number | null; cur: string | null }[];
  for (const f of factRows) facts.set(f.org, { headcount: f.headcount, annualRevenueMinor: f.rev, revenueCurrency: f.cur });
  const invoiced = new Set(
    (db.$client.prepare("select organization_id as org from invoices where month = ?").all(month) as { org: number }[]).map((r) => r.org),
  );

  const candidates = [...usesByOrg.keys()]
    .filter((id) => !invoiced.has(id))
    .map((id) => orgs.get(id)!)
    .filter((o) => obligationOf("commercial", { kind: o.kind, verificationStatus: o.verification_status }) !== "none")
    .sort((a, b) => a.id - b.id);

  const insertInvoice = prepared(
    db,
    `insert into invoices (number, organization_id, month, status, currency, total_minor, issued_on, due_on, billing_run_id, fee_schedule_id, note, buyer_name, buyer_country, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (organization_id, month) do nothing`,
  );
  const insertLines = (count: number) =>
    prepared(
      db,
      `insert into invoice_lines (invoice_id, position, kind, work_id, description, amount_minor, days, days_in_month, annual_fee_minor, obligation) values ${Array.from({ length: count }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
    );
  const insertAudit = prepared(
    db,
    "insert into audit_log (actor_user_id, action, entity_type, entity_id, before, after, created_at) values (?, ?, 'invoice', ?, null, ?, ?)",
  );

  const chunkSize = options.chunkSize ?? 2000;
  let created = 0;
  options.onProgress?.(0, candidates.length);
  for (let start = 0; start < candidates.length; start += chunkSize) {
    const chunk = candidates.slice(start, start + chunkSize);
    inTransaction(db, () => {
      const now = isoNow(deps.clock);
      const terms = issueTerms(deps);
      const numberer = new InvoiceNumberer(db, deps.invoicePrefix, terms.year);
      // Invoiced meanwhile by a concurrent run? Read once per chunk: the write lock is held from
      // here to the commit, so no other run can add one in between.
      const taken = new Set(
        (
          db.$client
            .prepare(
              `select organization_id as org from invoices where month = ? and organization_id in (${chunk.map(() => "?").join(",")})`,
            )
            .all(month, ...chunk.map((o) => o.id)) as { org: number }[]
        ).map((r) => r.org),
      );
      for (const org of chunk) {
        const obligation = obligationOf("commercial", { kind: org.kind, verificationStatus: org.verification_status });
        const computed = computeMonthlyInvoice({
          month,
          schedule,
          facts: facts.get(org.id) ?? null,
          uses: [...usesByOrg.get(org.id)!.values()],
        });
        if (computed.lines.length === 0) continue;
        if (taken.has(org.id)) continue;
        const issue = obligation === "fee";
        const number = issue ? numberer.next() : null;
        const note = computed.notes.length ? computed.notes.join(" ") : null;
        const result = insertInvoice.run(
          number,
          org.id,
          month,
          issue ? issuedStatus(computed.totalMinor) : "held",
          schedule.currency,
          computed.totalMinor,
          issue ? terms.issuedOn : null,
          issue ? terms.dueOn : null,
          run.id,
          schedule.id,
          note,
          org.name,
          org.country,
          now,
        );
        assert(result.changes === 1, "the invoice was inserted");
        const invoiceId = Number(result.lastInsertRowid);
        // All lines of an invoice in one multi-row statement (cached per line count).
        const lineValues: unknown[] = [];
        computed.lines.forEach((l, i) =>
          lineValues.push(
            invoiceId,
            i + 1,
            l.kind,
            l.workId,
            l.description,
            l.amountMinor,
            l.days,
            l.kind === "fee" ? days : null,
            l.annualFeeMinor,
            l.kind === "fee" ? obligation : null,
          ),
        );
        insertLines(computed.lines.length).run(...lineValues);
        if (number)
          recordIssue(
            db,
            { id: invoiceId, organizationId: org.id, month, totalMinor: computed.totalMinor, currency: schedule.currency },
            number,
            terms.issuedOn,
            deps,
          );
        insertAudit.run(
          options.actorUserId,
          issue ? "invoice.issued" : "invoice.held",
          String(invoiceId), // a text column: a bound JS number would be stored as "4.0"
          JSON.stringify({ number, month, totalMinor: computed.totalMinor, billingRunId: run.id }),
          now,
        );
        created++;
      }
      numberer.flush();
    });
    options.onProgress?.(Math.min(start + chunkSize, candidates.length), candidates.length);
  }

  inTransaction(db, () => {
    db.update(billingRuns)
      .set({ status: "completed", invoicesCreated: created, finishedAt: isoNow(deps.clock) })
      .where(eq(billingRuns.id, run.id))
      .run();
  });
  return { runId: run.id, month, feeScheduleId: schedule.id, invoicesCreated: created, invoices: monthInvoices(db, month) };
}

export function monthInvoices(db: Db, month: string) {
  return db
    .select({
      id: invoices.id,
      number: invoices.number,
      organizationId: invoices.organizationId,
      status: invoices.status,
      totalMinor: invoices.totalMinor,
      currency: invoices.currency,
    })
    .from(invoices)
    .where(eq(invoices.month, month))
    .orderBy(invoices.organizationId)
    .all()
    .map((i) => ({
      id: i.id,
      number: i.number,
      organizationId: i.organizationId,
      status: i.status,
      total: moneyJson(i.totalMinor, i.currency),
    }));
}

export function listBillingRuns(db: Db) {
  return db.select().from(billingRuns).orderBy(billingRuns.id).all();
}
