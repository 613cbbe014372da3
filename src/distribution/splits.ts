// A work's splits (PRODUCT.md §11.5, Drips' rules): at most 200 receivers whose weights sum to at most
// 1,000,000; the licensor keeps what the weights leave. Set by the licensor's owners or a treasurer; a
// run copies each weight into its allocations' basis, so a later change never rewrites history.
import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { organizations, workSplits } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import type { Clock } from "../shared/clock.js";
import { AppError, type FieldError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireOrganizationAccess } from "../organizations/organizations.queries.js";
import { getWorkBySlug } from "../works/works.queries.js";
import type { SplitReceiver } from "./distribution-rules.js";
import { MAX_SPLIT_RECEIVERS, TOTAL_SPLIT_WEIGHT } from "./vocabulary.js";

export async function splitsOf(db: Db, workId: number): Promise<SplitReceiver[]> {
  return db
    .select({ organizationId: workSplits.organizationId, weight: workSplits.weight })
    .from(workSplits)
    .where(eq(workSplits.workId, workId))
    .orderBy(asc(workSplits.organizationId));
}

/** Every work's receivers, by work id. */
export async function allSplits(db: Db): Promise<Map<number, SplitReceiver[]>> {
  const out = new Map<number, SplitReceiver[]>();
  const rows = await db.select().from(workSplits).orderBy(asc(workSplits.workId), asc(workSplits.organizationId));
  for (const r of rows) out.set(r.workId, [...(out.get(r.workId) ?? []), { organizationId: r.organizationId, weight: r.weight }]);
  return out;
}

export function validateSplits(receivers: readonly SplitReceiver[], licensorOrganizationId: number): FieldError[] {
  const errors: FieldError[] = [];
  if (receivers.length > MAX_SPLIT_RECEIVERS) errors.push({ path: "/receivers", message: `at most ${MAX_SPLIT_RECEIVERS} receivers` });
  const total = receivers.reduce((s, r) => s + r.weight, 0);
  if (total > TOTAL_SPLIT_WEIGHT) errors.push({ path: "/receivers", message: `weights sum to ${total}, more than ${TOTAL_SPLIT_WEIGHT}` });
  const seen = new Set<number>();
  receivers.forEach((r, i) => {
    if (seen.has(r.organizationId)) errors.push({ path: `/receivers/${i}/organizationId`, message: "is listed twice" });
    if (r.organizationId === licensorOrganizationId)
      errors.push({ path: `/receivers/${i}/organizationId`, message: "the licensor keeps what the weights leave; it is no receiver" });
    seen.add(r.organizationId);
  });
  return errors;
}

/** Who may see and set a work's splits: the licensor's owners and treasurers (others: 404). */
export async function requireSplitAccess(db: Db, actor: Actor, slug: string) {
  const work = await getWorkBySlug(db, slug);
  await requireOrganizationAccess(db, actor, work.licensorOrganizationId, "owner");
  return work;
}

export async function setSplits(
  db: Db,
  actor: Actor,
  input: { slug: string; receivers: SplitReceiver[] },
  deps: { clock: Clock },
): Promise<SplitReceiver[]> {
  const work = await requireSplitAccess(db, actor, input.slug);
  const errors = validateSplits(input.receivers, work.licensorOrganizationId);
  if (errors.length > 0) throw new AppError("validation_failed", "The splits are not valid.", { errors });
  return db.transaction(async (tx) => {
    const ids = input.receivers.map((r) => r.organizationId);
    const found = new Set(
      ids.length
        ? (await tx.select({ id: organizations.id }).from(organizations).where(inArray(organizations.id, ids))).map((r) => r.id)
        : [],
    );
    const missing = input.receivers.flatMap((r, i) =>
      found.has(r.organizationId) ? [] : [{ path: `/receivers/${i}/organizationId`, message: "no such organization" }],
    );
    if (missing.length > 0) throw new AppError("validation_failed", "A receiver does not exist.", { errors: missing });
    const before = await splitsOf(tx, work.id);
    await tx.delete(workSplits).where(eq(workSplits.workId, work.id));
    if (input.receivers.length > 0) await tx.insert(workSplits).values(input.receivers.map((r) => ({ workId: work.id, ...r })));
    const after = await splitsOf(tx, work.id);
    await recordAudit(
      tx,
      { actorUserId: actor.id, action: "work.splits_set", entityType: "work", entityId: work.id, before, after },
      deps.clock,
    );
    return after;
  });
}
