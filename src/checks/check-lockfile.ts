// The one check of a lockfile or SBOM: the API route and the web page call it, and the CLI reaches
// it through the API. Access to the organization is settled first (an anonymous caller is told so
// before its file is read), then the file is read, matched and priced; an organization's check is
// kept so a member can turn it into usage declarations.
import type { Db } from "../db/client.js";
import { today, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Actor } from "../shared/actor.js";
import { requireOrganizationAccess, type Organization } from "../organizations/organizations.queries.js";
import { basesOf, unpack, type PackedRead } from "./readers/read-for-check.js";
import { LOOKUP_CHUNK, lookupRegistry, runCheck, type CheckReport } from "./run-check.js";
import { readInWorker } from "./parse-pool.js";
import { openUsageWorkIds, saveCheck } from "./save-check.js";
import { standingOf } from "./check-standing.js";

export interface CheckLockfileInput {
  /** The file as uploaded (inflated). */
  body: Buffer | string;
  /** Price the check for this organization: the actor must belong to it (or be a treasurer). */
  organizationId?: number | null | undefined;
  actor: Actor | null;
}

/** The report as shown: the kept check's id (null when nothing was kept), not the work ids behind it. */
export type CheckReportView = Omit<CheckReport, "matchedWorkIds"> & { checkId: number | null };

export interface CheckLockfileResult {
  report: CheckReportView;
  organization: Organization | null;
}

/**
 * The file is not a lockfile or SBOM we can read (415, 422, 400 or 413, as the reader decided), or
 * reading it reached a limit (check-limits.ts: its code names the limit): the same AppError, told apart
 * so that a page can show it beside its upload form.
 */
export class UnreadableLockfile extends AppError {}

export async function checkLockfile(db: Db, input: CheckLockfileInput, deps: { clock: Clock }): Promise<CheckLockfileResult> {
  const organization = await organizationFor(db, input);
  // The file is read in a parse process (parse-pool.ts); here, only what the registry knows of it is unpacked.
  const read = await readFile(input.body);
  const registry = await lookupRegistry(db, basesOf(read, LOOKUP_CHUNK));
  const components = unpack(read, (base) => registry.has(base));
  const day = today(deps.clock);
  const declaredWorkIds = organization ? await openUsageWorkIds(db, organization.id, "commercial", day) : undefined;
  const noncommercialWorkIds = organization ? await openUsageWorkIds(db, organization.id, "noncommercial", day) : undefined;
  const matchedWorkIds = new Set([...registry.values()].map((e) => e.workId));
  const standing = organization ? await standingOf(db, organization.id, matchedWorkIds, day) : undefined;
  const report = await runCheck(
    db,
    { format: read.format, components, unidentified: read.unidentified, componentCount: read.componentCount },
    { organization, declaredWorkIds, noncommercialWorkIds, standing },
    deps,
    registry,
  );
  const checkId = organization ? await saveCheck(db, report, input.actor?.id ?? null, deps) : null;
  const { matchedWorkIds: _ids, ...shown } = report;
  return { report: { ...shown, checkId }, organization };
}

async function organizationFor(db: Db, input: CheckLockfileInput): Promise<Organization | null> {
  if (input.organizationId === undefined || input.organizationId === null) return null;
  if (!input.actor) throw new AppError("unauthenticated", "Sign in or send a token to check for an organization.");
  return requireOrganizationAccess(db, input.actor, input.organizationId);
}

async function readFile(body: Buffer | string): Promise<PackedRead> {
  try {
    return await readInWorker(typeof body === "string" ? Buffer.from(body) : body);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // Refused for load (busy), not for what the file holds: not the file's fault.
    if ((err.code as string) === "checks_busy") throw err;
    throw new UnreadableLockfile(err.code, err.message, { errors: err.errors, headers: err.headers, cause: err });
  }
}
