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
import { issueInvoice } from "../invoices/issue-invoice.js";
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
  const usageRows = db.$client
    .prepare(
      `select u.organization_id as org, u.work_id as workId, w.slug, w.title, u.started_on as startedOn, u.ended_on as endedOn
       from usages u join works w on w.id = u.work_id
       where u.purpose = 'commercial' and u.started_on <= ? and (u.ended_on is null or u.ended_on >= ?)
       order by u.organization_id, u.work_id`,
    )
    .all(last, first) as { org: number; workId: number; slug: string; title: string; startedOn: string; endedOn: string | null }[];
  const usesByOrg = new Map<number, Map<number, WorkUse>>();
  for (const u of usageRows) {
    let byWork = usesByOrg.get(u.org);
    if (!byWork) usesByOrg.set(u.org, (byWork = new Map<number, WorkUse>()));
    let use = byWork.get(u.workId);
    if (!use) byWork.set(u.workId, (use = { workId: u.workId, workSlug: u.slug, workTitle: u.title, intervals: [] as DateInterval[] }));
    use.intervals.push({ startedOn: u.startedOn, endedOn: u.endedOn });
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
    `insert into invoices (organization_id, month, status, currency, total_minor, billing_run_id, fee_schedule_id, note, buyer_name, buyer_country, created_at)
     values (?, ?, 'held', ?, ?, ?, ?, ?, ?, ?, ?) on conflict (organization_id, month) do nothing`,
  );
  const insertLine = prepared(
    db,
    `insert into invoice_lines (invoice_id, position, kind, work_id, description, amount_minor, days, days_in_month, annual_fee_minor, obligation) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAudit = prepared(
    db,
    "insert into audit_log (actor_user_id, action, entity_type, entity_id, before, after, created_at) values (?, ?, 'invoice', ?, null, ?, ?)",
  );

  const chunkSize = options.chunkSize ?? 500;
  let created = 0;
  options.onProgress?.(0, candidates.length);
  for (let start = 0; start < candidates.length; start += chunkSize) {
    const chunk = candidates.slice(start, start + chunkSize);
    inTransaction(db, () => {
      const now = isoNow(deps.clock);
      for (const org of chunk) {
        const obligation = obligationOf("commercial", { kind: org.kind, verificationStatus: org.verification_status });
        const computed = computeMonthlyInvoice({
          month,
          schedule,
          facts: facts.get(org.id) ?? null,
          uses: [...usesByOrg.get(org.id)!.values()],
        });
        if (computed.lines.length === 0) continue;
        const note = computed.notes.length ? computed.notes.join(" ") : null;
        const result = insertInvoice.run(
          org.id,
          month,
          schedule.currency,
          computed.totalMinor,
          run.id,
          schedule.id,
          note,
          org.name,
          org.country,
          now,
        );
        if (result.changes === 0) continue; // invoiced meanwhile by a concurrent run
        const invoiceId = Number(result.lastInsertRowid);
        computed.lines.forEach((l, i) =>
          insertLine.run(
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
        let number: string | null = null;
        if (obligation === "fee")
          number = issueInvoice(
            db,
            { id: invoiceId, organizationId: org.id, month, totalMinor: computed.totalMinor, currency: schedule.currency },
            deps,
          );
        insertAudit.run(
          options.actorUserId,
          obligation === "fee" ? "invoice.issued" : "invoice.held",
          invoiceId,
          JSON.stringify({ number, month, totalMinor: computed.totalMinor, billingRunId: run.id }),
          now,
        );
        created++;
      }
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
