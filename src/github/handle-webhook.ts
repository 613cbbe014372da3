// GitHub deliveries, after the signature has been verified on the raw body. Idempotent by
// delivery id, across processes: the delivery's row is inserted (on conflict, nothing) in the
// transaction that applies it, so a redelivery, even a concurrent one, is acknowledged and
// changes nothing.
import { eq, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { AppError } from "../shared/errors.js";
import { execute, lockForUpdate } from "../db/sql.js";
import { webhookDeliveries, workLicenseHistory, workPackages, works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { recordAudit } from "../audit/record-audit.js";
import { fromParts } from "../purl/purl.js";
import { licenseCheckOf, type LicenseCheck } from "../works/register-work.js";
import { parseRepositoryUrl, type RepositoryRef } from "../works/parse-repository.js";
import type { Work } from "../works/works.queries.js";
import type { GitHub } from "./github-client.js";

// Deliveries are signed by GitHub, but their shape is still read defensively: a field of another type
// than GitHub documents reads as absent, never as a crash.
const text = z.string().max(1000).optional().catch(undefined);
const paths = z.array(z.string().catch("")).max(10_000).optional().catch(undefined);
const commitSchema = z.object({ added: paths, modified: paths, removed: paths }).catch({});
const repoSchema = z
  .object({
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
    full_name: text,
    name: text,
    default_branch: text,
  })
  .optional()
  .catch(undefined);
export const webhookPayloadSchema = z.object({
  action: text,
  ref: text,
  repository: repoSchema,
  commits: z.array(commitSchema).max(10_000).optional().catch(undefined),
  head_commit: commitSchema.nullable().optional().catch(undefined),
});

type Payload = z.output<typeof webhookPayloadSchema>;
type RepoPayload = NonNullable<Payload["repository"]>;

interface Delivery {
  id: string;
  /** SHA-256 of the raw signed body: a body already applied under another delivery id is a replay. */
  bodySha256: string;
  event: string;
  payload: Payload;
}

export type WebhookOutcome = "duplicate" | "ignored" | "license_rechecked" | "license_unchanged" | "repository_updated" | "pong";

/** What a delivery asks of us, decided from the payload and the work it names. */
type Plan =
  | { kind: "record"; outcome: "pong" | "ignored" }
  | { kind: "recheck_license"; workId: number; owner: string; name: string }
  | { kind: "update_repository"; workId: number; action: string; fullName: string; ref: RepositoryRef; defaultBranch: string | undefined };

const LICENSE_NAME = /^(licen[sc]e|copying)(\.(md|txt|markdown))?$/i;

export async function handleWebhook(
  db: Db,
  received: Omit<Delivery, "payload"> & { payload: unknown },
  deps: { clock: Clock; github: GitHub; githubWebHost: string },
): Promise<WebhookOutcome> {
  const delivery: Delivery = { ...received, payload: webhookPayloadSchema.parse(received.payload) };
  const seen = await deliverySeen(db, delivery);
  if (seen === "same_delivery") return "duplicate";
  if (seen === "replayed_body")
    throw new AppError("webhook_replayed", "This payload was already delivered under another delivery id; a replay is refused.");
  const plan = planDelivery(delivery, await findWork(db, delivery.payload.repository), deps.githubWebHost);
  // Read outside the transaction; the repository is public or the app's own token is not needed.
  const check = plan.kind === "recheck_license" ? licenseCheckOf(await deps.github.getLicenseFile(plan.owner, plan.name)) : null;
  return applyDelivery(db, delivery, plan, check, deps.clock);
}

/** A redelivery (same id) is acknowledged; the same signed body under a new id is a replay. */
async function deliverySeen(db: Db, delivery: Delivery): Promise<"new" | "same_delivery" | "replayed_body"> {
  const rows = await db
    .select({ deliveryId: webhookDeliveries.deliveryId })
    .from(webhookDeliveries)
    .where(or(eq(webhookDeliveries.deliveryId, delivery.id), eq(webhookDeliveries.bodySha256, delivery.bodySha256)))
    .limit(2);
  if (rows.some((r) => r.deliveryId === delivery.id)) return "same_delivery";
  return rows.length > 0 ? "replayed_body" : "new";
}

async function findWork(db: Db, repo: RepoPayload | undefined): Promise<Work | undefined> {
  if (!repo) return undefined;
  const byId = repo.id !== undefined ? eq(works.repositoryGithubId, repo.id) : undefined;
  const byName = repo.full_name ? eq(works.repositoryFullName, repo.full_name) : undefined;
  if (!byId && !byName) return undefined;
  const [work] = await db.select().from(works).where(or(byId, byName)).limit(1);
  return work;
}

function planDelivery({ event, payload }: Delivery, work: Work | undefined, githubWebHost: string): Plan {
  const ignored: Plan = { kind: "record", outcome: "ignored" };
  if (event === "ping") return { kind: "record", outcome: "pong" };

  if (event === "push" && work && work.repositoryFullName) {
    const branch = payload.ref?.replace(/^refs\/heads\//, "");
    const touched = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])].some((c) =>
      [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some(
        (path) => LICENSE_NAME.test(path) || path === work.licensePath,
      ),
    );
    if (branch !== work.defaultBranch || !touched) return ignored;
    const [owner, name] = work.repositoryFullName.split("/") as [string, string];
    return { kind: "recheck_license", workId: work.id, owner, name };
  }

  if (
    event === "repository" &&
    (payload.action === "renamed" || payload.action === "transferred") &&
    work &&
    payload.repository?.full_name
  ) {
    const fullName = payload.repository.full_name;
    // The host stays the one the work was registered on (github.com or the Enterprise host).
    const host = work.repositoryKey?.split("/")[0] ?? githubWebHost;
    const ref = parseRepositoryUrl(`https://${host}/${fullName}`);
    // Only a plain `owner/name`: a name the URL parser had to normalise (`../x/y`, `o/r.git`) is not taken.
    if (typeof ref === "string" || `${ref.owner}/${ref.name}` !== fullName) return ignored;
    const defaultBranch = payload.repository.default_branch;
    return { kind: "update_repository", workId: work.id, action: payload.action, fullName, ref, defaultBranch };
  }

  return ignored;
}

/** The delivery's outcome, judged against the work as locked in the transaction. */
function outcomeOf(plan: Plan, work: Work | undefined, check: LicenseCheck | null): WebhookOutcome {
  if (plan.kind === "record") return plan.outcome;
  if (!work) return "ignored";
  if (plan.kind === "update_repository") return "repository_updated";
  return check!.state !== work.licenseState || check!.spdxId !== work.licenseSpdxId ? "license_rechecked" : "license_unchanged";
}

async function applyDelivery(db: Db, delivery: Delivery, plan: Plan, check: LicenseCheck | null, clock: Clock): Promise<WebhookOutcome> {
  return db.transaction(async (tx) => {
    // The work is locked before it is compared: deliveries about one work apply one after another.
    const work = plan.kind === "record" ? undefined : await lockWork(tx, plan.workId);
    const outcome = outcomeOf(plan, work, check);
    // Two concurrent deliveries of the same id: the second inserts nothing and applies nothing.
    if (!(await markDelivered(tx, delivery, outcome, clock))) return "duplicate";
    if (work && plan.kind === "recheck_license") await updateLicense(tx, work, check!, outcome === "license_rechecked", clock);
    if (work && plan.kind === "update_repository") await updateRepository(tx, work, plan, clock);
    return outcome;
  });
}

async function lockWork(tx: Db, workId: number): Promise<Work | undefined> {
  await execute(tx, sql`select ${works.id} from ${works} where ${works.id} = ${workId}${lockForUpdate(tx)}`);
  const [work] = await tx.select().from(works).where(eq(works.id, workId)).limit(1);
  return work;
}

async function markDelivered(tx: Db, delivery: Delivery, outcome: WebhookOutcome, clock: Clock): Promise<boolean> {
  const inserted = await tx
    .insert(webhookDeliveries)
    .values({ deliveryId: delivery.id, bodySha256: delivery.bodySha256, event: delivery.event, outcome, createdAt: isoNow(clock) })
    .onConflictDoNothing()
    .returning({ deliveryId: webhookDeliveries.deliveryId });
  return inserted.length === 1;
}

async function updateLicense(tx: Db, work: Work, check: LicenseCheck, changed: boolean, clock: Clock): Promise<void> {
  const now = isoNow(clock);
  await tx
    .update(works)
    .set({
      licenseState: check.state,
      licenseSpdxId: check.spdxId,
      licenseSimilarityBps: check.similarityBps,
      licensePath: check.path,
      licenseCheckedAt: now,
      updatedAt: now,
    })
    .where(eq(works.id, work.id));
  if (!changed) return;
  await recordLicenseChange(tx, work, check, now);
  await recordAudit(
    tx,
    {
      actorUserId: null,
      action: check.state === "ppl" ? "work.license_restored" : "work.license_flagged",
      entityType: "work",
      entityId: work.id,
      before: { licenseState: work.licenseState, licenseSpdxId: work.licenseSpdxId },
      after: { licenseState: check.state, licenseSpdxId: check.spdxId, similarityBps: check.similarityBps },
    },
    clock,
  );
}

/**
 * The license history gains the new reading from today: billing stops (or resumes) earning from this day.
 * A work with no reading yet first gets its previous state, as read when it was last checked.
 */
async function recordLicenseChange(tx: Db, work: Work, check: LicenseCheck, now: string): Promise<void> {
  const [any] = await tx
    .select({ id: workLicenseHistory.id })
    .from(workLicenseHistory)
    .where(eq(workLicenseHistory.workId, work.id))
    .limit(1);
  const rows: (typeof workLicenseHistory.$inferInsert)[] = [];
  if (!any) {
    const since = (work.licenseCheckedAt ?? work.createdAt).slice(0, 10);
    rows.push({ workId: work.id, effectiveOn: since, state: work.licenseState, spdxId: work.licenseSpdxId, createdAt: now });
  }
  rows.push({ workId: work.id, effectiveOn: now.slice(0, 10), state: check.state, spdxId: check.spdxId, createdAt: now });
  await tx.insert(workLicenseHistory).values(rows);
}

async function updateRepository(tx: Db, work: Work, plan: Extract<Plan, { kind: "update_repository" }>, clock: Clock): Promise<void> {
  await tx
    .update(works)
    .set({
      repositoryFullName: plan.fullName,
      repositoryKey: plan.ref.key,
      repositoryUrl: plan.ref.url,
      defaultBranch: plan.defaultBranch ?? work.defaultBranch,
      updatedAt: isoNow(clock),
    })
    .where(eq(works.id, work.id));
  // The work's own pkg:github purl follows the repository.
  if (work.repositoryFullName) {
    const [oldOwner, oldName] = work.repositoryFullName.split("/") as [string, string];
    const [owner, name] = plan.fullName.split("/") as [string, string];
    const oldPurl = fromParts("github", oldOwner, oldName, null);
    const newPurl = fromParts("github", owner, name, null);
    await tx
      .update(workPackages)
      .set({ purl: newPurl.base, namespace: newPurl.namespace, name: newPurl.name })
      .where(eq(workPackages.purl, oldPurl.base));
  }
  await recordAudit(
    tx,
    {
      actorUserId: null,
      action: `work.repository_${plan.action}`,
      entityType: "work",
      entityId: work.id,
      before: { repositoryFullName: work.repositoryFullName },
      after: { repositoryFullName: plan.fullName },
    },
    clock,
  );
}
