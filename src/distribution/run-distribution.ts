// A distribution run for one month (PRODUCT.md §11.3–§11.6): a draft holding every allocation with its
// basis, written in ONE transaction so a run is whole or absent. One run per month whatever happens: the
// unique month index turns a rerun, a concurrent run or a run after a crash into a read of the run that
// exists. The run reads, decides in plain code (`planDistribution`) and writes in one transaction holding
// the distribution gate, so no cash is attributed while it reads (distribution-gate.ts).
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { queryRows, toInt } from "../db/sql.js";
import { distributionAllocations, distributionRuns } from "../db/schema.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError, assert } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { distributionRunDraftedFact } from "../books/facts.js";
import { appendPreparedFacts, prepareFacts, type Fact } from "../books/append-fact.js";
import { meanwhile } from "../db/meanwhile.js";
import { monthBounds } from "../fees/compute-fees.js";
import type { Cooperative } from "./distribution-rules.js";
import { planDistribution, type DistributionInputs, type DistributionPlan, type WorkCash } from "./plan-distribution.js";
import { policyOn, type PolicyVersion } from "./policies.js";
import { enterGateAsRun } from "./distribution-gate.js";
import { allSplits } from "./splits.js";
import { workCashOfRun } from "./work-cash.js";

export interface DistributionRunOptions {
  month: string;
  actorUserId: number | null;
  /** Stages and rows written, for the CLI's progress bar. */
  onProgress?: (done: number, total: number) => void;
}

/** Allocations per insert statement inside the run's transaction (progress is reported between them). */
const ALLOCATIONS_PER_STATEMENT = 5_000;

/** Creates the month's draft, or finds the run the month has. Returns its id and whether this call made it. */
export async function runDistribution(
  db: Db,
  options: DistributionRunOptions,
  deps: { clock: Clock },
): Promise<{ runId: number; created: boolean }> {
  const { month } = options;
  const { last } = monthBounds(month);
  if (today(deps.clock) <= last)
    throw new AppError("validation_failed", `${month} has not ended yet: only ended months are distributed.`, {
      errors: [{ path: "/month", message: "must be a month that has ended (UTC)" }],
    });
  const runId = await db.transaction(async (tx) => {
    const readAt = await enterGateAsRun(tx, isoNow(deps.clock));
    if ((await runIdForMonth(tx, month)) !== undefined) return null;
    await refuseOutOfOrder(tx, month);
    const policy = await policyOn(tx, last);
    const inputs = await readDistributionInputs(tx, month, policy);
    const plan = planDistribution(inputs);
    return insertRun(tx, { month, policy, inputs, plan, options, readAt });
  });
  if (runId !== null) return { runId, created: true };
  const existing = await runIdForMonth(db, month);
  assert(existing !== undefined, "the month's run exists");
  return { runId: existing, created: false };
}

export async function runIdForMonth(db: Db, month: string): Promise<number | undefined> {
  const [row] = await db.select({ id: distributionRuns.id }).from(distributionRuns).where(eq(distributionRuns.month, month)).limit(1);
  return row?.id;
}

/** Carries run forward month by month: a month before a month already run cannot be run any more. */
async function refuseOutOfOrder(db: Db, month: string): Promise<void> {
  const [later] = await db
    .select({ month: distributionRuns.month })
    .from(distributionRuns)
    .where(gte(distributionRuns.month, month))
    .limit(1);
  if (later) throw new AppError("conflict", `A distribution run covers ${later.month} already; months are distributed in order.`);
}

/**
 * Everything the plan needs: the month's cash per work, splits, the verified cooperatives and last month's
 * carries. The month's cash is what was paid in it, and also what was paid in an earlier month but
 * recorded after that month's run read (or in a month no run covered): each attribution belongs to the
 * first run that reads after it was recorded and covers its month (PRODUCT.md §11.3, cash basis). Work
 * cash holds these sums (work-cash.ts); the attributions themselves are not read.
 */
export async function readDistributionInputs(db: Db, month: string, policy: PolicyVersion): Promise<DistributionInputs> {
  const { first, last } = monthBounds(month);
  const [latest] = await db
    .select({ month: distributionRuns.month })
    .from(distributionRuns)
    .where(lt(distributionRuns.month, month))
    .orderBy(desc(distributionRuns.month))
    .limit(1);
  const cash = await workCashOfRun(db, month, latest?.month ?? "", policy.currency);
  const splits = await allSplits(db);
  const workCash: WorkCash[] = cash.map((c) => ({ ...c, receivers: splits.get(c.workId) ?? [] }));
  const [previous] = await db
    .select()
    .from(distributionRuns)
    .where(and(lt(distributionRuns.month, month), eq(distributionRuns.currency, policy.currency)))
    .orderBy(desc(distributionRuns.month))
    .limit(1);
  const [rent] = await queryRows<{ s: unknown }>(
    db,
    sql`select (select coalesce(sum(amount_minor), 0) from rent_income where paid_on >= ${first} and paid_on <= ${last} and currency = ${policy.currency})
          + (select coalesce(sum(surplus_minor), 0) from asset_sales where sold_on >= ${first} and sold_on <= ${last} and currency = ${policy.currency}) as s`,
  );
  return {
    attributedMinor: workCash.reduce((s, w) => s + w.cashMinor, 0),
    rentMinor: toInt(rent?.s ?? 0),
    poolCarryInMinor: previous?.poolCarriedMinor ?? 0,
    dividendCarryInMinor: previous?.dividendCarriedMinor ?? 0,
    buckets: policy.buckets,
    works: workCash,
    cooperatives: await cooperativesVerifiedOn(db, last),
  };
}

/**
 * The cooperatives whose latest verification decision up to the end of `date` says verified, with the
 * worker-owner count of their latest evidence up to then: history, not today's status. Each table is read
 * flat and the latest row per organization (by date, then id) picked here: two correlated, sorted subqueries
 * per cooperative cost several times these two reads.
 */
export async function cooperativesVerifiedOn(db: Db, date: string): Promise<Cooperative[]> {
  const cutoff = `${nextDay(date)}T00:00:00.000Z`;
  const decisions = latestPerOrganization(
    await queryRows<HistoryRow>(
      db,
      sql`select d.organization_id as organization_id, d.id, d.created_at, d.decision as value from verification_decisions d
          join organizations o on o.id = d.organization_id where o.kind = 'worker_cooperative' and d.created_at < ${cutoff}`,
    ),
  );
  const workers = latestPerOrganization(
    await queryRows<HistoryRow>(
      db,
      sql`select e.organization_id as organization_id, e.id, e.created_at, e.worker_owner_count as value from cooperative_evidence e
          join organizations o on o.id = e.organization_id where o.kind = 'worker_cooperative' and e.created_at < ${cutoff}`,
    ),
  );
  const cooperatives: Cooperative[] = [];
  for (const [organizationId, decision] of decisions) {
    const workerOwners = toInt(workers.get(organizationId)?.value ?? 0);
    if (decision.value === "verified" && workerOwners > 0) cooperatives.push({ organizationId, workerOwners });
  }
  return cooperatives.sort((a, b) => a.organizationId - b.organizationId);
}

interface HistoryRow {
  organization_id: unknown;
  id: unknown;
  created_at: string;
  value: unknown;
}

/** Per organization, its row with the latest `created_at` (the highest id among equal dates). */
function latestPerOrganization(rows: readonly HistoryRow[]): Map<number, HistoryRow> {
  const latest = new Map<number, HistoryRow>();
  for (const row of rows) {
    const organizationId = toInt(row.organization_id);
    const current = latest.get(organizationId);
    if (
      current === undefined ||
      row.created_at > current.created_at ||
      (row.created_at === current.created_at && toInt(row.id) > toInt(current.id))
    )
      latest.set(organizationId, row);
  }
  return latest;
}

const nextDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

interface RunToWrite {
  month: string;
  policy: PolicyVersion;
  inputs: DistributionInputs;
  plan: DistributionPlan;
  options: DistributionRunOptions;
  readAt: string;
}

/** Writes the run with its allocations; null when another run of the month committed first. */
async function insertRun(tx: Db, r: RunToWrite): Promise<number | null> {
  const { plan, policy } = r;
  const total = plan.allocations.length;
  r.options.onProgress?.(0, total);
  const [run] = await tx
    .insert(distributionRuns)
    .values({
      month: r.month,
      policyId: policy.id,
      currency: policy.currency,
      status: "draft",
      poolMinor: plan.poolMinor,
      poolCarriedMinor: plan.poolCarriedMinor,
      dividendCarryInMinor: r.inputs.dividendCarryInMinor,
      dividendCarriedMinor: plan.dividendCarriedMinor,
      perCapitaMinor: plan.perCapitaMinor,
      workerOwners: plan.workerOwners,
      createdBy: r.options.actorUserId,
      createdAt: r.readAt,
    })
    .onConflictDoNothing()
    .returning({ id: distributionRuns.id });
  // Another run of the month committed first (a concurrent request, another process): it is the run.
  if (!run) return null;
  // The drafted fact (its allocations hashed) is made while the allocations are inserted.
  const [, drafted] = await meanwhile(insertAllocations(tx, run.id, r), () => prepareFacts([draftedFact(run.id, r)], r.readAt));
  await appendPreparedFacts(tx, drafted);
  await recordAudit(
    tx,
    {
      actorUserId: r.options.actorUserId,
      action: "distribution_run.drafted",
      entityType: "distribution_run",
      entityId: run.id,
      after: { month: r.month, poolMinor: plan.poolMinor, allocations: total },
    },
    { now: () => new Date(r.readAt) },
  );
  return run.id;
}

/** The allocations in statements of `ALLOCATIONS_PER_STATEMENT`, with progress between them. */
async function insertAllocations(tx: Db, runId: number, r: RunToWrite): Promise<void> {
  const { plan, policy } = r;
  const total = plan.allocations.length;
  for (let start = 0; start < total; start += ALLOCATIONS_PER_STATEMENT) {
    const rows = plan.allocations.slice(start, start + ALLOCATIONS_PER_STATEMENT).map((a, i) => ({
      runId,
      position: start + i + 1,
      bucketKey: a.bucketKey,
      bucketKind: a.bucketKind,
      organizationId: a.organizationId,
      workId: a.workId,
      amountMinor: a.amountMinor,
      currency: policy.currency,
      basis: JSON.stringify(a.basis),
    }));
    await bulkInsert(tx, distributionAllocations, rows);
    r.options.onProgress?.(Math.min(start + ALLOCATIONS_PER_STATEMENT, total), total);
  }
}

/** The drafted run as a fact of the transparency log. */
function draftedFact(runId: number, r: RunToWrite): Fact {
  const { plan, policy } = r;
  return distributionRunDraftedFact(
    {
      id: runId,
      month: r.month,
      policyId: policy.id,
      currency: policy.currency,
      poolMinor: plan.poolMinor,
      poolCarriedMinor: plan.poolCarriedMinor,
      dividendCarriedMinor: plan.dividendCarriedMinor,
      perCapitaMinor: plan.perCapitaMinor,
      workerOwners: plan.workerOwners,
    },
    plan.allocations,
  );
}
