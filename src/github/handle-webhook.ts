// GitHub deliveries, after the signature has been verified on the raw body. Idempotent by
// delivery id: a redelivery is acknowledged and changes nothing.
import { eq, or } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { webhookDeliveries, workPackages, works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { recordAudit } from "../audit/record-audit.js";
import { fromParts } from "../purl/purl.js";
import { licenseCheckOf } from "../works/register-work.js";
import { parseRepositoryUrl } from "../works/parse-repository.js";
import type { Work } from "../works/works.queries.js";
import type { GitHub } from "./github-client.js";

interface RepoPayload {
  id?: number;
  full_name?: string;
  name?: string;
  default_branch?: string;
  owner?: { login?: string };
}

interface Payload {
  action?: string;
  ref?: string;
  repository?: RepoPayload;
  commits?: { added?: string[]; modified?: string[]; removed?: string[] }[];
  head_commit?: { added?: string[]; modified?: string[]; removed?: string[] } | null;
}

export type WebhookOutcome = "duplicate" | "ignored" | "license_rechecked" | "license_unchanged" | "repository_updated" | "pong";

const LICENSE_NAME = /^(licen[sc]e|copying)(\.(md|txt|markdown))?$/i;

function findWork(db: Db, repo: RepoPayload | undefined): Work | undefined {
  if (!repo) return undefined;
  const byId = repo.id !== undefined ? eq(works.repositoryGithubId, repo.id) : undefined;
  const byName = repo.full_name ? eq(works.repositoryFullName, repo.full_name) : undefined;
  if (!byId && !byName) return undefined;
  return db.select().from(works).where(or(byId, byName)).get();
}

export function alreadyDelivered(db: Db, deliveryId: string): boolean {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.deliveryId, deliveryId)).get() !== undefined;
}

function markDelivered(db: Db, deliveryId: string, event: string, outcome: WebhookOutcome, clock: Clock): boolean {
  const inserted = db
    .insert(webhookDeliveries)
    .values({ deliveryId, event, outcome, createdAt: isoNow(clock) })
    .onConflictDoNothing()
    .run();
  return inserted.changes === 1;
}

export async function handleWebhook(
  db: Db,
  delivery: { id: string; event: string; payload: Payload },
  deps: { clock: Clock; github: GitHub; githubWebHost: string },
): Promise<WebhookOutcome> {
  if (alreadyDelivered(db, delivery.id)) return "duplicate";
  const { event, payload } = delivery;
  const work = findWork(db, payload.repository);

  if (event === "ping") return record(db, delivery, "pong", deps.clock, () => {});

  if (event === "push" && work && work.repositoryFullName) {
    const branch = payload.ref?.replace(/^refs\/heads\//, "");
    const touched = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])].some((c) =>
      [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some(
        (path) => LICENSE_NAME.test(path) || path === work.licensePath,
      ),
    );
    if (branch !== work.defaultBranch || !touched) return record(db, delivery, "ignored", deps.clock, () => {});
    // Read outside the transaction; the repository is public or the app's own token is not needed.
    const [owner, name] = work.repositoryFullName.split("/") as [string, string];
    const check = licenseCheckOf(await deps.github.getLicenseFile(owner, name));
    const changed = check.state !== work.licenseState || check.spdxId !== work.licenseSpdxId;
    return record(db, delivery, changed ? "license_rechecked" : "license_unchanged", deps.clock, () => {
      const now = isoNow(deps.clock);
      db.update(works)
        .set({
          licenseState: check.state,
          licenseSpdxId: check.spdxId,
          licenseSimilarityBps: check.similarityBps,
          licensePath: check.path,
          licenseCheckedAt: now,
          updatedAt: now,
        })
        .where(eq(works.id, work.id))
        .run();
      if (changed) {
        recordAudit(
          db,
          {
            actorUserId: null,
            action: check.state === "ppl" ? "work.license_restored" : "work.license_flagged",
            entityType: "work",
            entityId: work.id,
            before: { licenseState: work.licenseState, licenseSpdxId: work.licenseSpdxId },
            after: { licenseState: check.state, licenseSpdxId: check.spdxId, similarityBps: check.similarityBps },
          },
          deps.clock,
        );
      }
    });
  }

  if (
    event === "repository" &&
    (payload.action === "renamed" || payload.action === "transferred") &&
    work &&
    payload.repository?.full_name
  ) {
    const fullName = payload.repository.full_name;
    // The host stays the one the work was registered on (github.com or the Enterprise host).
    const host = work.repositoryKey?.split("/")[0] ?? deps.githubWebHost;
    const ref = parseRepositoryUrl(`https://${host}/${fullName}`);
    if (typeof ref === "string") return record(db, delivery, "ignored", deps.clock, () => {});
    return record(db, delivery, "repository_updated", deps.clock, () => {
      const [owner, name] = fullName.split("/") as [string, string];
      const now = isoNow(deps.clock);
      db.update(works)
        .set({
          repositoryFullName: fullName,
          repositoryKey: ref.key,
          repositoryUrl: ref.url,
          defaultBranch: payload.repository?.default_branch ?? work.defaultBranch,
          updatedAt: now,
        })
        .where(eq(works.id, work.id))
        .run();
      // The work's own pkg:github purl follows the repository.
      if (work.repositoryFullName) {
        const [oldOwner, oldName] = work.repositoryFullName.split("/") as [string, string];
        const oldPurl = fromParts("github", oldOwner, oldName, null);
        const newPurl = fromParts("github", owner, name, null);
        db.update(workPackages)
          .set({ purl: newPurl.base, namespace: newPurl.namespace, name: newPurl.name })
          .where(eq(workPackages.purl, oldPurl.base))
          .run();
      }
      recordAudit(
        db,
        {
          actorUserId: null,
          action: `work.repository_${payload.action}`,
          entityType: "work",
          entityId: work.id,
          before: { repositoryFullName: work.repositoryFullName },
          after: { repositoryFullName: fullName },
        },
        deps.clock,
      );
    });
  }

  return record(db, delivery, "ignored", deps.clock, () => {});
}

function record(db: Db, delivery: { id: string; event: string }, outcome: WebhookOutcome, clock: Clock, apply: () => void): WebhookOutcome {
  return inTransaction(db, () => {
    // Two concurrent deliveries of the same id: the second inserts nothing and applies nothing.
    if (!markDelivered(db, delivery.id, delivery.event, outcome, clock)) return "duplicate";
    apply();
    return outcome;
  });
}
