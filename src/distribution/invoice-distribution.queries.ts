// Where a paying organization's money went: the cash collected on one invoice, per month it was paid in,
// split over the buckets of the policy that month's run used (or would use: the policy in force on the
// month's last day), and the licensors' part over the invoice's works — by the same rules as the run
// (`bucketShares`, `workShares`), so the figures on the page are the run's arithmetic applied to this
// invoice's cash alone. They are shares of the pool, not the run's allocations themselves: the run pools
// every invoice's cash before it rounds.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { distributionRuns, works } from "../db/schema.js";
import { moneyJson } from "../shared/money.js";
import { monthBounds } from "../fees/compute-fees.js";
import { bucketShares, workShares } from "./distribution-rules.js";
import { getPolicy, policyOn } from "./policies.js";

export async function invoiceDistribution(db: Db, invoiceId: number) {
  const rows = await queryRows<{ month: string; currency: string; work_id: unknown; cash: unknown }>(
    db,
    sql`select substr(paid_on, 1, 7) as month, currency, work_id, sum(amount_minor) as cash from payment_attributions
        where invoice_id = ${invoiceId} group by substr(paid_on, 1, 7), currency, work_id order by 1, 3`,
  );
  const slugs = new Map((await db.select({ id: works.id, slug: works.slug }).from(works)).map((w) => [w.id, w.slug]));
  const byMonth = new Map<string, { currency: string; works: { workId: number; cashMinor: number }[] }>();
  for (const r of rows) {
    const m = byMonth.get(r.month) ?? { currency: r.currency, works: [] };
    m.works.push({ workId: toInt(r.work_id), cashMinor: toInt(r.cash) });
    byMonth.set(r.month, m);
  }
  const months = [];
  for (const [month, m] of byMonth) {
    const [run] = await db.select().from(distributionRuns).where(eq(distributionRuns.month, month)).limit(1);
    const policy = run ? await getPolicy(db, run.policyId) : await policyOn(db, monthBounds(month).last);
    const collected = m.works.reduce((s, w) => s + w.cashMinor, 0);
    const money = (n: number) => moneyJson(n, m.currency);
    const shares = collected > 0 ? bucketShares(collected, policy.buckets) : policy.buckets.map(() => 0);
    months.push({
      month,
      collected: money(collected),
      run: run ? { id: run.id, status: run.status } : null,
      buckets: policy.buckets.map((b, i) => ({
        key: b.key,
        kind: b.kind,
        shareBps: b.shareBps,
        amount: money(shares[i]!),
        works:
          b.kind === "licensors"
            ? workShares(shares[i]!, m.works).map((w) => ({ slug: slugs.get(w.workId) ?? String(w.workId), amount: money(w.amountMinor) }))
            : [],
      })),
    });
  }
  return months;
}
