// Matching components against the registry and pricing what the checking organization owes
// (PRODUCT.md §3, §8). Lookups go by the versionless purl through the unique index, one query
// per chunk of purls.
import { eq } from "drizzle-orm";
import semver from "semver";
import type { Db } from "../db/client.js";
import { isOneOf } from "../db/sql.js";
import { workPackages, works } from "../db/schema.js";
import { today, type Clock } from "../shared/clock.js";
import { moneyJson, type Money } from "../shared/money.js";
import { bandFor, type FeeScheduleVersion } from "../fees/compute-fees.js";
import { feeScheduleOn } from "../fees/fee-schedules.queries.js";
import { obligationOf } from "../usage/obligation.js";
import { sizeFactsOn, type Organization, type SizeFact } from "../organizations/organizations.queries.js";
import { licenseChoice, type LicenseChoice } from "./license-choice.js";
import type { Component, LockfileFormat } from "./readers/component.js";
import type { WorkVerification } from "../works/vocabulary.js";
import type { OverdueInvoice, Standing } from "./check-standing.js";

import type { CheckObligation } from "./vocabulary.js";

export type { CheckObligation };

export interface RegistryEntry {
  purl: string;
  workId: number;
  slug: string;
  title: string;
  licenseState: string;
  licenseSpdxId: string | null;
  versionRange: string | null;
  verification: WorkVerification;
}

/**
 * Purls per lookup query: they travel as one parameter. A query runs on the main thread (SQLite's is
 * synchronous), so chunks are kept small and the event loop gets a turn between them.
 */
export const LOOKUP_CHUNK = 5_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function* chunksOf(bases: string[]): Generator<string[]> {
  for (let i = 0; i < bases.length; i += LOOKUP_CHUNK) yield bases.slice(i, i + LOOKUP_CHUNK);
}

/** The registry entries of these versionless purls (a list, or chunks of one made as they are asked for). */
export async function lookupRegistry(db: Db, bases: string[] | Iterable<string[]>): Promise<Map<string, RegistryEntry>> {
  const found = new Map<string, RegistryEntry>();
  let first = true;
  for (const chunk of Array.isArray(bases) ? chunksOf(bases) : bases) {
    if (!first) await yieldToEventLoop();
    first = false;
    const rows = await db
      .select({
        purl: workPackages.purl,
        workId: works.id,
        slug: works.slug,
        title: works.title,
        licenseState: works.licenseState,
        licenseSpdxId: works.licenseSpdxId,
        versionRange: works.versionRange,
        verification: works.verification,
      })
      .from(workPackages)
      .innerJoin(works, eq(works.id, workPackages.workId))
      .where(isOneOf(db, workPackages.purl, chunk));
    for (const r of rows) found.set(r.purl, r);
  }
  return found;
}

/** A version outside the work's range is not under the PPL; an unparseable one is taken to be. */
function inRange(version: string | null, range: string | null): boolean {
  if (!range || !version) return true;
  const v = semver.valid(version);
  if (!v) return true;
  return semver.satisfies(v, range, { includePrerelease: true });
}

export interface CheckMatch {
  purl: string;
  work: { slug: string; title: string; license: string; verification: WorkVerification };
  obligation: CheckObligation;
  licenseChoice: LicenseChoice;
  declaredLicense: string | null;
  annualFee?: Money & { formatted: string };
  declaredUsage?: boolean;
  /** For an organization's check: whether it holds a grant for the work in the current month. */
  grantForCurrentMonth?: boolean;
}

export interface CheckContext {
  organization: Organization | null;
  /** Work ids the organization has an open commercial usage declaration for. */
  declaredWorkIds?: Set<number> | undefined;
  /** Work ids the organization has an open noncommercial usage declaration for. */
  noncommercialWorkIds?: Set<number> | undefined;
  /** The organization's overdue invoices and this month's grants for the matched works. */
  standing?: Standing | undefined;
}

export interface CheckInput {
  format: LockfileFormat;
  components: Component[];
  unidentified: number;
  /** The file's component count, when `components` holds only those the registry may match. */
  componentCount?: number | undefined;
}

/** What the database says that a check needs: the registry entries, the schedule, the size facts. */
interface CheckFacts {
  registry: Map<string, RegistryEntry>;
  schedule: FeeScheduleVersion;
  facts: SizeFact | undefined;
}

export async function runCheck(
  db: Db,
  input: CheckInput,
  ctx: CheckContext,
  deps: { clock: Clock },
  /** The registry entries of the file's purls, when they were already looked up. */
  known?: Map<string, RegistryEntry>,
): Promise<CheckReport> {
  const day = today(deps.clock);
  const registry = known ?? (await lookupRegistry(db, [...new Set(input.components.map((c) => c.purl.base))]));
  const schedule = await feeScheduleOn(db, day);
  const facts = ctx.organization ? await sizeFactsOn(db, ctx.organization.id, day) : undefined;
  return priceCheck(input, ctx, { registry, schedule, facts });
}

/**
 * What a match demands (PRODUCT.md §3, §13): nothing for a non-PPL alternative or a work whose license is
 * not the PPL; `unverified` while the work's claim is not proven; nothing when the organization declared
 * only noncommercial use of it; else what its classification demands of commercial use.
 */
function matchObligation(
  entry: RegistryEntry,
  choice: LicenseChoice,
  ctx: CheckContext,
  orgObligation: CheckObligation | null,
): CheckObligation {
  if (choice === "non_ppl_alternative" || entry.licenseState === "other" || entry.licenseState === "missing") return "none";
  if (entry.verification !== "verified") return "unverified";
  if (!orgObligation) return "unpriced";
  const declaredOnlyNoncommercial = ctx.noncommercialWorkIds?.has(entry.workId) && !ctx.declaredWorkIds?.has(entry.workId);
  return declaredOnlyNoncommercial ? "none" : orgObligation;
}

function matchComponents(input: CheckInput, ctx: CheckContext, registry: Map<string, RegistryEntry>, fee: CheckMatch["annualFee"]) {
  const org = ctx.organization;
  const orgObligation = org ? obligationOf("commercial", org) : null;
  const matches: (CheckMatch & { workId: number })[] = [];
  // A lockfile declares a handful of distinct license expressions: each is parsed once.
  const choices = new Map<string | null, LicenseChoice>();
  for (const c of input.components) {
    const entry = registry.get(c.purl.base);
    if (!entry || !inRange(c.purl.version, entry.versionRange)) continue;
    let choice = choices.get(c.license);
    if (choice === undefined) choices.set(c.license, (choice = licenseChoice(c.license)));
    const obligation = matchObligation(entry, choice, ctx, orgObligation);
    const match: CheckMatch & { workId: number } = {
      workId: entry.workId,
      purl: c.purl.full,
      work: {
        slug: entry.slug,
        title: entry.title,
        license: entry.licenseState === "other" && entry.licenseSpdxId ? entry.licenseSpdxId : "PPL",
        verification: entry.verification,
      },
      obligation,
      licenseChoice: choice,
      declaredLicense: c.license,
    };
    if ((obligation === "fee" || obligation === "held") && fee) match.annualFee = fee;
    if (org && ctx.declaredWorkIds) match.declaredUsage = ctx.declaredWorkIds.has(entry.workId);
    if (org && ctx.standing) match.grantForCurrentMonth = ctx.standing.grantedWorkIds.has(entry.workId);
    matches.push(match);
  }
  return matches.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
}

const OWED: readonly CheckObligation[] = ["fee", "held"];

/**
 * One row per matched work, whatever number of its versions the file holds: the per-work fee is counted
 * once. A work's obligation is the heaviest of its matches' (a version outside the PPL range owes nothing).
 */
function perWork(matches: (CheckMatch & { workId: number })[]) {
  const rank: CheckObligation[] = ["none", "unverified", "unpriced", "held", "fee"];
  const byWork = new Map<
    number,
    {
      slug: string;
      title: string;
      verification: WorkVerification;
      obligation: CheckObligation;
      versions: number;
      annualFee?: CheckMatch["annualFee"];
      declaredUsage?: boolean;
    }
  >();
  for (const m of matches) {
    const row = byWork.get(m.workId);
    if (!row) {
      byWork.set(m.workId, {
        slug: m.work.slug,
        title: m.work.title,
        verification: m.work.verification,
        obligation: m.obligation,
        versions: 1,
        ...(m.annualFee ? { annualFee: m.annualFee } : {}),
        ...(m.declaredUsage !== undefined ? { declaredUsage: m.declaredUsage } : {}),
      });
      continue;
    }
    row.versions++;
    if (rank.indexOf(m.obligation) > rank.indexOf(row.obligation)) row.obligation = m.obligation;
    if (m.annualFee) row.annualFee = m.annualFee;
  }
  return [...byWork.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
}

/** The report, from the file and what the database said: no I/O. */
export function priceCheck(input: CheckInput, ctx: CheckContext, { registry, schedule, facts }: CheckFacts) {
  const org = ctx.organization;
  const band = org ? bandFor(schedule, facts?.headcount ?? null) : null;
  const matches = matchComponents(input, ctx, registry, band ? moneyJson(band.annualFeeMinor, schedule.currency) : undefined);

  // Totals count each work once, whatever number of its versions the file holds.
  const owedWorks = new Set(matches.filter((m) => OWED.includes(m.obligation)).map((m) => m.workId));
  const unpricedWorks = new Set(matches.filter((m) => m.obligation === "unpriced").map((m) => m.workId));
  const unmetWorks = new Set(matches.filter((m) => OWED.includes(m.obligation) && !m.declaredUsage).map((m) => m.workId));
  const unverifiedWorks = new Set(matches.filter((m) => m.obligation === "unverified").map((m) => m.workId));
  const totals = {
    matches: matches.length,
    works: new Set(matches.map((m) => m.workId)).size,
    worksWithObligation: owedWorks.size + unpricedWorks.size,
    worksWithoutDeclaredUsage: org ? unmetWorks.size : unpricedWorks.size,
    unverifiedWorks: unverifiedWorks.size,
    ...(band ? { annualFee: moneyJson(band.annualFeeMinor * owedWorks.size, schedule.currency) } : {}),
    ...(!org ? { annualFeeByBand: feesByBand(schedule, unpricedWorks.size) } : {}),
  };
  return {
    format: input.format,
    componentCount: input.componentCount ?? input.components.length,
    unidentifiedCount: input.unidentified,
    organizationId: org?.id ?? null,
    organizationObligation: org ? obligationOf("commercial", org) : null,
    band: band
      ? {
          minHeadcount: band.minHeadcount,
          maxHeadcount: band.maxHeadcount,
          basedOn: facts ? "size facts" : "no size facts declared: top band",
        }
      : null,
    feeScheduleId: schedule.id,
    matches: matches.map(({ workId: _w, ...m }) => m),
    works: perWork(matches),
    overdueInvoices: ctx.standing?.overdueInvoices ?? ([] as OverdueInvoice[]),
    totals,
    matchedWorkIds: [...new Set(matches.filter((m) => m.licenseChoice !== "non_ppl_alternative").map((m) => m.workId))],
  };
}

export type CheckReport = ReturnType<typeof priceCheck>;

function feesByBand(schedule: FeeScheduleVersion, works: number) {
  return schedule.bands.map((b) => ({
    minHeadcount: b.minHeadcount,
    maxHeadcount: b.maxHeadcount,
    annualFeePerWork: moneyJson(b.annualFeeMinor, schedule.currency),
    annualFee: moneyJson(b.annualFeeMinor * works, schedule.currency),
  }));
}
