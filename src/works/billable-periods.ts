// Which days of a work may earn fees (PRODUCT.md §13), for billing's selection: none unless the work's
// claim is verified; then every day its license was the PPL, by its license history. The first reading
// stands for every day before it (the PPL applied all along); a reading that is not the PPL stops the
// earning from its day. A work never read (`unknown`: no repository on GitHub) earns once verified: a
// treasurer verified it by hand.
import { asc, inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { workLicenseHistory, works } from "../db/schema.js";
import type { LicenseState } from "./vocabulary.js";

/** Inclusive days; null is open-ended. */
export interface Period {
  from: string | null;
  to: string | null;
}

const earns = (state: LicenseState) => state === "ppl" || state === "unknown";

/** The day before an ISO date. */
function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The periods a work earns in, from its license readings (ordered by day, then as recorded). */
export function periodsOf(current: LicenseState, readings: { effectiveOn: string; state: LicenseState }[]): Period[] {
  if (readings.length === 0) return earns(current) ? [{ from: null, to: null }] : [];
  // The last reading of a day is what the day was.
  const daily = readings.filter((r, i) => readings[i + 1]?.effectiveOn !== r.effectiveOn);
  const periods: Period[] = [];
  let open: Period | null = null;
  daily.forEach((r, i) => {
    if (earns(r.state)) {
      if (!open) periods.push((open = { from: i === 0 ? null : r.effectiveOn, to: null }));
    } else if (open) {
      open.to = dayBefore(r.effectiveOn);
      open = null;
    }
  });
  return periods;
}

/**
 * The billable periods of these works (of every work when none are named: a billing run reads them all
 * at once): an empty list for a work that may not earn at all.
 */
export async function billablePeriods(db: Db, workIds?: number[]): Promise<Map<number, Period[]>> {
  const result = new Map<number, Period[]>();
  if (workIds?.length === 0) return result;
  const rows = await db
    .select({ id: works.id, verification: works.verification, licenseState: works.licenseState })
    .from(works)
    .where(workIds ? inArray(works.id, workIds) : undefined);
  const readings = await db
    .select({ workId: workLicenseHistory.workId, effectiveOn: workLicenseHistory.effectiveOn, state: workLicenseHistory.state })
    .from(workLicenseHistory)
    .where(workIds ? inArray(workLicenseHistory.workId, workIds) : undefined)
    .orderBy(asc(workLicenseHistory.workId), asc(workLicenseHistory.effectiveOn), asc(workLicenseHistory.id));
  const byWork = new Map<number, { effectiveOn: string; state: LicenseState }[]>();
  for (const r of readings) {
    const list = byWork.get(r.workId);
    if (list) list.push(r);
    else byWork.set(r.workId, [r]);
  }
  for (const w of rows) result.set(w.id, w.verification === "verified" ? periodsOf(w.licenseState, byWork.get(w.id) ?? []) : []);
  return result;
}

/** The parts of `intervals` (usage dates) that fall within `periods`. */
export function clipToPeriods<T extends { startedOn: string; endedOn: string | null }>(
  intervals: T[],
  periods: Period[],
): { startedOn: string; endedOn: string | null }[] {
  const out: { startedOn: string; endedOn: string | null }[] = [];
  for (const i of intervals) {
    for (const p of periods) {
      const startedOn = p.from !== null && p.from > i.startedOn ? p.from : i.startedOn;
      const endedOn = p.to === null ? i.endedOn : i.endedOn === null || p.to < i.endedOn ? p.to : i.endedOn;
      if (endedOn === null || endedOn >= startedOn) out.push({ startedOn, endedOn });
    }
  }
  return out;
}
