// Matching components against the registry and pricing what the checking organization owes
// (PRODUCT.md §3, §8). Lookups go by the versionless purl through the unique index, in batches.
import semver from "semver";
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { today, type Clock } from "../shared/clock.js";
import { moneyJson, type Money } from "../shared/money.js";
import { bandFor, type FeeScheduleVersion } from "../fees/compute-fees.js";
import { feeScheduleOn } from "../fees/fee-schedules.queries.js";
import { obligationOf } from "../usage/obligation.js";
import { sizeFactsOn, type Organization } from "../organizations/organizations.queries.js";
import { licenseChoice, type LicenseChoice } from "./license-choice.js";
import type { Component, LockfileFormat } from "./readers/component.js";

export type CheckObligation = "none" | "held" | "fee" | "unpriced";

interface RegistryEntry {
  purl: string;
  workId: number;
  slug: string;
  title: string;
  licenseState: string;
  licenseSpdxId: string | null;
  versionRange: string | null;
}

const BATCH = 500;

function lookup(db: Db, bases: string[]): Map<string, RegistryEntry> {
  const found = new Map<string, RegistryEntry>();
  for (let i = 0; i < bases.length; i += BATCH) {
    const batch = bases.slice(i, i + BATCH);
    const rows = prepared(
      db,
      `select p.purl, w.id as workId, w.slug, w.title, w.license_state as licenseState, w.license_spdx_id as licenseSpdxId, w.version_range as versionRange
       from work_packages p join works w on w.id = p.work_id where p.purl in (${batch.map(() => "?").join(",")})`,
    ).all(...batch) as RegistryEntry[];
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
  work: { slug: string; title: string; license: string };
  obligation: CheckObligation;
  licenseChoice: LicenseChoice;
  declaredLicense: string | null;
  annualFee?: Money & { formatted: string };
  declaredUsage?: boolean;
}

export interface CheckContext {
  organization: Organization | null;
  /** Work ids the organization has an open commercial usage declaration for. */
  declaredWorkIds?: Set<number>;
}

export function runCheck(
  db: Db,
  input: { format: LockfileFormat; components: Component[]; unidentified: number },
  ctx: CheckContext,
  deps: { clock: Clock },
) {
  const day = today(deps.clock);
  const registry = lookup(db, [...new Set(input.components.map((c) => c.purl.base))]);
  const schedule = feeScheduleOn(db, day);
  const org = ctx.organization;
  const orgObligation = org ? obligationOf("commercial", org) : null;
  const facts = org ? sizeFactsOn(db, org.id, day) : undefined;
  const band = org ? bandFor(schedule, facts?.headcount ?? null) : null;

  const matches: (CheckMatch & { workId: number })[] = [];
  for (const c of input.components) {
    const entry = registry.get(c.purl.base);
    if (!entry || !inRange(c.purl.version, entry.versionRange)) continue;
    const choice = licenseChoice(c.license);
    const obligation: CheckObligation = choice === "non_ppl_alternative" ? "none" : org ? orgObligation! : "unpriced";
    const match: CheckMatch & { workId: number } = {
      workId: entry.workId,
      purl: c.purl.full,
      work: {
        slug: entry.slug,
        title: entry.title,
        license: entry.licenseState === "other" && entry.licenseSpdxId ? entry.licenseSpdxId : "PPL",
      },
      obligation,
      licenseChoice: choice,
      declaredLicense: c.license,
    };
    if ((obligation === "fee" || obligation === "held") && band) match.annualFee = moneyJson(band.annualFeeMinor, schedule.currency);
    if (org && ctx.declaredWorkIds) match.declaredUsage = ctx.declaredWorkIds.has(entry.workId);
    matches.push(match);
  }
  matches.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));

  // Totals count each work once, whatever number of its versions the file holds.
  const owedWorks = new Set(matches.filter((m) => m.obligation === "fee" || m.obligation === "held").map((m) => m.workId));
  const unpricedWorks = new Set(matches.filter((m) => m.obligation === "unpriced").map((m) => m.workId));
  const unmetWorks = new Set(
    matches.filter((m) => (m.obligation === "fee" || m.obligation === "held") && !m.declaredUsage).map((m) => m.workId),
  );
  const totals = {
    matches: matches.length,
    works: new Set(matches.map((m) => m.workId)).size,
    worksWithObligation: owedWorks.size + unpricedWorks.size,
    worksWithoutDeclaredUsage: org ? unmetWorks.size : unpricedWorks.size,
    ...(band ? { annualFee: moneyJson(band.annualFeeMinor * owedWorks.size, schedule.currency) } : {}),
    ...(!org ? { annualFeeByBand: feesByBand(schedule, unpricedWorks.size) } : {}),
  };
  return {
    format: input.format,
    componentCount: input.components.length,
    unidentifiedCount: input.unidentified,
    organizationId: org?.id ?? null,
    organizationObligation: orgObligation,
    band: band
      ? {
          minHeadcount: band.minHeadcount,
          maxHeadcount: band.maxHeadcount,
          basedOn: facts ? "size facts" : "no size facts declared: top band",
        }
      : null,
    feeScheduleId: schedule.id,
    matches: matches.map(({ workId: _w, ...m }) => m),
    totals,
    matchedWorkIds: [...new Set(matches.filter((m) => m.licenseChoice !== "non_ppl_alternative").map((m) => m.workId))],
  };
}

export type CheckReport = ReturnType<typeof runCheck>;

function feesByBand(schedule: FeeScheduleVersion, works: number) {
  return schedule.bands.map((b) => ({
    minHeadcount: b.minHeadcount,
    maxHeadcount: b.maxHeadcount,
    annualFeePerWork: moneyJson(b.annualFeeMinor, schedule.currency),
    annualFee: moneyJson(b.annualFeeMinor * works, schedule.currency),
  }));
}
