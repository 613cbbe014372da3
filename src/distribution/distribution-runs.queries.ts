// A distribution run as treasurers read it: every allocation with its basis, the carry, the totals per
// bucket (they add up to the pool with the carry) and the exceptions a payout would meet.
import { asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { distributionAllocations, distributionRuns, organizations, works } from "../db/schema.js";
import { AppError } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";
import { addMonths } from "../fees/compute-fees.js";
import { payeesOf } from "../payouts/payee.js";
import { getPolicy } from "./policies.js";
import { cashRecordedAfterRun, firstCashMonth } from "./work-cash.js";

export type DistributionRun = typeof distributionRuns.$inferSelect;

export async function getRun(db: Db, id: number): Promise<DistributionRun> {
  const [run] = await db.select().from(distributionRuns).where(eq(distributionRuns.id, id)).limit(1);
  if (!run) throw new AppError("not_found", "Distribution run was not found.");
  return run;
}

/** Runs, oldest month first; after the cursor's month and up to `limit` when given (API pages). */
export async function listRuns(db: Db, page: { after?: string | undefined; limit?: number } = {}) {
  const query = db
    .select()
    .from(distributionRuns)
    .where(page.after ? gt(distributionRuns.month, page.after) : undefined)
    .orderBy(asc(distributionRuns.month));
  const runs = page.limit === undefined ? await query : await query.limit(page.limit);
  return runs.map((r) => ({ id: r.id, month: r.month, status: r.status, pool: moneyJson(r.poolMinor, r.currency) }));
}

interface Exception {
  kind: "payee_details_missing" | "below_minimum" | "no_payee_organization" | "recorded_after_run";
  organizationId: number | null;
  detail: string;
}

export async function runView(db: Db, run: DistributionRun) {
  const money = (n: number) => moneyJson(n, run.currency);
  const allocations = await db
    .select()
    .from(distributionAllocations)
    .where(eq(distributionAllocations.runId, run.id))
    .orderBy(asc(distributionAllocations.position));
  const workIds = [...new Set(allocations.flatMap((a) => (a.workId === null ? [] : [a.workId])))];
  const slugs = new Map(
    workIds.length
      ? (await db.select({ id: works.id, slug: works.slug }).from(works).where(inArray(works.id, workIds))).map((w) => [w.id, w.slug])
      : [],
  );
  const buckets = new Map<string, number>();
  for (const a of allocations) buckets.set(a.bucketKey, (buckets.get(a.bucketKey) ?? 0) + a.amountMinor);
  return {
    id: run.id,
    month: run.month,
    status: run.status,
    policyId: run.policyId,
    pool: money(run.poolMinor),
    allocations: allocations.map((a) => ({
      organizationId: a.organizationId,
      bucket: a.bucketKey,
      workSlug: a.workId === null ? null : (slugs.get(a.workId) ?? null),
      amount: money(a.amountMinor),
      basis: JSON.parse(a.basis) as Record<string, string | number>,
    })),
    buckets: [...buckets].map(([key, amount]) => ({ key, amount: money(amount) })),
    carried: money(run.dividendCarriedMinor),
    dividend: {
      carriedIn: money(run.dividendCarryInMinor),
      perCapita: money(run.perCapitaMinor),
      workerOwners: run.workerOwners,
      carried: money(run.dividendCarriedMinor),
    },
    poolDeficitCarried: money(-run.poolCarriedMinor),
    exceptions: await runExceptions(db, run, allocations),
    createdAt: run.createdAt,
    approvedAt: run.approvedAt,
  };
}

/** Why some of the run would not be paid out as it stands, and cash of the month that came too late for it. */
async function runExceptions(
  db: Db,
  run: DistributionRun,
  allocations: (typeof distributionAllocations.$inferSelect)[],
): Promise<Exception[]> {
  const policy = await getPolicy(db, run.policyId);
  const totals = new Map<number, number>();
  for (const a of allocations)
    if (a.organizationId !== null) totals.set(a.organizationId, (totals.get(a.organizationId) ?? 0) + a.amountMinor);
  const payees = await payeesOf(db, [...totals.keys()]);
  const out: Exception[] = [];
  for (const b of policy.buckets)
    if (b.kind === "fixed" && b.payeeOrganizationId === null)
      out.push({
        kind: "no_payee_organization",
        organizationId: null,
        detail: `bucket ${b.key} names no payee: its share stays in the reserve`,
      });
  for (const [organizationId, total] of [...totals].sort(([a], [b]) => a - b)) {
    const payee = payees.get(organizationId);
    const minimum = payee?.minimumPayoutMinor ?? policy.minimumPayoutMinor;
    if (!payee)
      out.push({
        kind: "payee_details_missing",
        organizationId,
        detail: "no payee details (legal name, country, IBAN): kept payable until they are given",
      });
    else if (total < minimum)
      out.push({
        kind: "below_minimum",
        organizationId,
        detail: `below the minimum payout of ${moneyJson(minimum, run.currency).formatted}: kept payable until it is reached`,
      });
  }
  const late = await cashRecordedAfterRun(db, run.month, run.currency);
  if (late !== 0)
    out.push({
      kind: "recorded_after_run",
      organizationId: null,
      detail: `${moneyJson(late, run.currency).formatted} of ${run.month} was recorded after this run read: the next run distributes it`,
    });
  return out;
}

/**
 * The social dividend as a cooperative reads it (§11.6): per run, the commune-wide per-capita figure and
 * worker-owner count, and what this organization received (its worker-owners × per capita).
 */
export async function dividendView(db: Db, organizationId: number) {
  const rows = await queryRows<{
    month: string;
    status: string;
    currency: string;
    per: unknown;
    workers: unknown;
    own: unknown;
    basis: string | null;
  }>(
    db,
    sql`select r.month, r.status, r.currency, r.per_capita_minor as per, r.worker_owners as workers, a.amount_minor as own, a.basis
        from distribution_runs r left join distribution_allocations a
          on a.run_id = r.id and a.organization_id = ${organizationId} and a.bucket_kind = 'dividend'
        order by r.month desc`,
  );
  return rows.map((r) => {
    const basis = r.basis ? (JSON.parse(r.basis) as { workerOwners?: number }) : {};
    return {
      month: r.month,
      status: r.status,
      perCapita: moneyJson(toInt(r.per), r.currency),
      workerOwners: toInt(r.workers),
      ownWorkerOwners: basis.workerOwners ?? 0,
      received: moneyJson(toInt(r.own), r.currency),
    };
  });
}

/** Organizations' names by id, for pages that list allocations and payouts. */
export async function organizationNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(inArray(organizations.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The ended months a run may be made for now: after the latest run (months run in order), up to last month. */
export async function runnableMonths(db: Db, lastEnded: string, max: number): Promise<string[]> {
  const [latest] = await db.select({ month: distributionRuns.month }).from(distributionRuns).orderBy(desc(distributionRuns.month)).limit(1);
  const first = await firstCashMonth(db);
  const out: string[] = [];
  for (let m = lastEnded; out.length < max; m = addMonths(m, -1)) {
    if (latest && m <= latest.month) break;
    out.push(m);
    if (!first || m <= first) break;
  }
  return out;
}
