// Distribution policies, versioned by the date they take effect like fee schedules. A version is never
// edited: a change is a new version, and a new version may not take effect in a month a run has covered,
// so the version a run used stays the one in force for its month.
import { asc, desc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/sql.js";
import { distributionBuckets, distributionPolicies, distributionRuns, organizations } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError, assert, type FieldError } from "../shared/errors.js";
import { moneyJson, type Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { logDistributionPolicy } from "../books/facts.js";
import type { BucketRule } from "./distribution-rules.js";
import { TOTAL_SHARE_BPS, type BucketKind } from "./vocabulary.js";

export interface PolicyVersion {
  id: number;
  effectiveOn: string;
  currency: string;
  minimumPayoutMinor: number;
  buckets: BucketRule[];
}

async function withBuckets(db: Db, rows: (typeof distributionPolicies.$inferSelect)[]): Promise<PolicyVersion[]> {
  if (rows.length === 0) return [];
  const buckets = await db
    .select()
    .from(distributionBuckets)
    .where(
      inArray(
        distributionBuckets.policyId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(distributionBuckets.position));
  return rows.map((r) => ({
    id: r.id,
    effectiveOn: r.effectiveOn,
    currency: r.currency,
    minimumPayoutMinor: r.minimumPayoutMinor,
    buckets: buckets
      .filter((b) => b.policyId === r.id)
      .map((b) => ({ key: b.key, kind: b.kind, shareBps: b.shareBps, payeeOrganizationId: b.payeeOrganizationId })),
  }));
}

/** The version in force on `date`: the latest that took effect on or before it. */
export async function policyOn(db: Db, date: string): Promise<PolicyVersion> {
  const [row] = await db
    .select()
    .from(distributionPolicies)
    .where(lte(distributionPolicies.effectiveOn, date))
    .orderBy(desc(distributionPolicies.effectiveOn))
    .limit(1);
  if (!row) throw new AppError("invalid_state", `No distribution policy is in force on ${date}.`);
  return (await withBuckets(db, [row]))[0]!;
}

export async function getPolicy(db: Db, id: number): Promise<PolicyVersion> {
  const [row] = await db.select().from(distributionPolicies).where(eq(distributionPolicies.id, id)).limit(1);
  assert(row, "the policy exists");
  return (await withBuckets(db, [row]))[0]!;
}

export function policyView(p: PolicyVersion, usedByRun: boolean) {
  return {
    id: p.id,
    effectiveOn: p.effectiveOn,
    currency: p.currency,
    minimumPayout: moneyJson(p.minimumPayoutMinor, p.currency),
    buckets: p.buckets.map((b) => ({ key: b.key, kind: b.kind, shareBps: b.shareBps, payeeOrganizationId: b.payeeOrganizationId })),
    usedByDistributionRun: usedByRun,
  };
}

export async function listPolicies(db: Db) {
  const rows = await db.select().from(distributionPolicies).orderBy(asc(distributionPolicies.effectiveOn));
  const used = new Set((await db.selectDistinct({ id: distributionRuns.policyId }).from(distributionRuns)).map((r) => r.id));
  return (await withBuckets(db, rows)).map((p) => policyView(p, used.has(p.id)));
}

export interface PolicyInput {
  effectiveOn: string;
  currency: string;
  minimumPayout: Money;
  buckets: { key: string; kind: BucketKind; shareBps: number; payeeOrganizationId?: number | null | undefined }[];
}

/** Shares sum to 10,000; keys are unique; fixed buckets (only they) name a payee; one licensors and one dividend bucket at most. */
export function validatePolicy(input: PolicyInput): FieldError[] {
  const errors: FieldError[] = [];
  const sum = input.buckets.reduce((s, b) => s + b.shareBps, 0);
  if (sum !== TOTAL_SHARE_BPS) errors.push({ path: "/buckets", message: `shares must sum to ${TOTAL_SHARE_BPS}, not ${sum}` });
  if (input.minimumPayout.currency !== input.currency)
    errors.push({ path: "/minimumPayout/currency", message: `must be the policy currency ${input.currency}` });
  const seen = new Set<string>();
  input.buckets.forEach((b, i) => {
    if (seen.has(b.key)) errors.push({ path: `/buckets/${i}/key`, message: "is used by another bucket" });
    seen.add(b.key);
    if (b.kind === "fixed" && !b.payeeOrganizationId)
      errors.push({ path: `/buckets/${i}/payeeOrganizationId`, message: "a fixed bucket names its payee" });
    if (b.kind !== "fixed" && b.payeeOrganizationId)
      errors.push({ path: `/buckets/${i}/payeeOrganizationId`, message: "only a fixed bucket names a payee" });
  });
  for (const kind of ["licensors", "dividend"] as const)
    if (input.buckets.filter((b) => b.kind === kind).length > 1) errors.push({ path: "/buckets", message: `at most one ${kind} bucket` });
  return errors;
}

export async function createPolicy(db: Db, actor: Actor, input: PolicyInput, deps: { clock: Clock }): Promise<PolicyVersion> {
  const errors = validatePolicy(input);
  if (errors.length > 0) throw new AppError("validation_failed", "The distribution policy is not valid.", { errors });
  try {
    return await db.transaction(async (tx) => {
      await refuseCoveredDate(tx, input.effectiveOn);
      await requirePayees(tx, input);
      const [row] = await tx
        .insert(distributionPolicies)
        .values({
          effectiveOn: input.effectiveOn,
          currency: input.currency,
          minimumPayoutMinor: input.minimumPayout.amountMinor,
          createdBy: actor.id,
          createdAt: isoNow(deps.clock),
        })
        .returning({ id: distributionPolicies.id });
      assert(row, "the policy was inserted");
      await tx.insert(distributionBuckets).values(
        input.buckets.map((b, i) => ({
          policyId: row.id,
          position: i + 1,
          key: b.key,
          kind: b.kind,
          shareBps: b.shareBps,
          payeeOrganizationId: b.payeeOrganizationId ?? null,
        })),
      );
      const created = await getPolicy(tx, row.id);
      await logDistributionPolicy(tx, created, isoNow(deps.clock));
      await recordAudit(
        tx,
        {
          actorUserId: actor.id,
          action: "distribution_policy.created",
          entityType: "distribution_policy",
          entityId: row.id,
          after: created,
        },
        deps.clock,
      );
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("conflict", `A distribution policy version takes effect on ${input.effectiveOn} already; choose another date.`);
    throw error;
  }
}

/** A version taking effect on or before the last day of a month already run would change that month's rules. */
async function refuseCoveredDate(tx: Db, effectiveOn: string): Promise<void> {
  const [latest] = await tx.select({ month: distributionRuns.month }).from(distributionRuns).orderBy(desc(distributionRuns.month)).limit(1);
  if (latest && effectiveOn.slice(0, 7) <= latest.month)
    throw new AppError("conflict", `A distribution run covers ${latest.month} already: a new version takes effect in a later month.`, {
      errors: [{ path: "/effectiveOn", message: `must be after ${latest.month}` }],
    });
}

async function requirePayees(tx: Db, input: PolicyInput): Promise<void> {
  const ids = input.buckets.flatMap((b) => (b.payeeOrganizationId ? [b.payeeOrganizationId] : []));
  if (ids.length === 0) return;
  const found = new Set(
    (await tx.select({ id: organizations.id }).from(organizations).where(inArray(organizations.id, ids))).map((r) => r.id),
  );
  const errors = input.buckets.flatMap((b, i) =>
    b.payeeOrganizationId && !found.has(b.payeeOrganizationId)
      ? [{ path: `/buckets/${i}/payeeOrganizationId`, message: "no such organization" }]
      : [],
  );
  if (errors.length > 0) throw new AppError("validation_failed", "A payee organization does not exist.", { errors });
}

export const isPolicyUsed = async (db: Db, id: number) =>
  (
    await db
      .select({ n: sql<number>`1` })
      .from(distributionRuns)
      .where(eq(distributionRuns.policyId, id))
      .limit(1)
  ).length > 0;
