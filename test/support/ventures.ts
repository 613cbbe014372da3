// The venture commune's usual start, through the API: an asset proposed by the commune's owner, offered, and
// financed by a bond issue (4 % fixed, straight line over 24 months, open 1–31 March 2026) that the treasurer
// clears on 31 March 2026 at noon — the clock is left there.
import { api, makeUser, type Harness, type TestUser } from "./harness.js";
import { Commune } from "./commune.js";

export const eur = (amount: string) => ({ amount, currency: "EUR" });

/** A commune on 1 March 2026 with its lessee, the verified worker cooperative "Bakery Coop". */
export async function ventureCommune(h: Harness): Promise<{ c: Commune; lesseeId: number }> {
  const c = await Commune.create(h);
  h.clock.set("2026-03-01T09:00:00Z");
  const lessee = await c.org("Bakery Coop", "worker_cooperative");
  await c.verify(lessee.id, "verified");
  return { c, lesseeId: lessee.id };
}

export interface BondHolder {
  user: TestUser;
  organizationId: number;
}

/** A new user and the nonprofit `name` they own, to subscribe bonds. */
export async function bondHolder(h: Harness, c: Commune, name: string): Promise<BondHolder> {
  const user = await makeUser(h);
  return { user, organizationId: (await c.org(name, "nonprofit", { owner: user })).id };
}

export interface AssetTerms {
  title: string;
  /** A decimal string in euros, as the API takes it. */
  cost: string;
  monthlyRent: string;
  description?: string;
}

/** An asset proposed by the commune's owner (`proposed`; `offered` moves it on to `offering`): its id. */
export async function proposeAsset(h: Harness, c: Commune, terms: AssetTerms & { offered?: boolean }): Promise<number> {
  const asset = await api(h)
    .post("/api/v1/assets")
    .set(c.owner.auth)
    .send({
      title: terms.title,
      description: terms.description ?? `A ${terms.title.toLowerCase()}`,
      cost: eur(terms.cost),
      rentalOffer: { monthlyRent: eur(terms.monthlyRent), termMonths: 24 },
    })
    .expect(201);
  const id = asset.body.id as number;
  if (terms.offered)
    await api(h).post(`/api/v1/assets/${id}/transitions`).set(c.treasurer.auth).send({ to: "offering", reason: "approved" }).expect(200);
  return id;
}

export interface Subscription extends BondHolder {
  amount: string;
}

/**
 * An asset financed by `subscriptions` (each under the Idempotency-Key `s<i>`), the issue's target its cost:
 * on 1 March 2026 the asset is proposed, offered and its issue opened; on 31 March 2026 at noon the issue is cleared.
 */
export async function financedAsset(
  h: Harness,
  c: Commune,
  terms: AssetTerms & { maxPerHolder?: string; subscriptions: Subscription[] },
): Promise<{ assetId: number; issueId: number }> {
  h.clock.set("2026-03-01T09:00:00Z");
  const assetId = await proposeAsset(h, c, { ...terms, offered: true });
  const issue = await api(h)
    .post("/api/v1/bond-issues")
    .set(c.treasurer.auth)
    .send({
      assetId,
      target: eur(terms.cost),
      minimum: eur("1000.00"),
      maxRateBps: 400,
      mode: "fixed",
      opensOn: "2026-03-01",
      closesOn: "2026-03-31",
      termMonths: 24,
      repayment: "straight_line",
      minSubscription: eur("100.00"),
      maxPerHolder: eur(terms.maxPerHolder ?? terms.cost),
    })
    .expect(201);
  const issueId = issue.body.id as number;
  for (const [i, s] of terms.subscriptions.entries())
    await api(h)
      .post(`/api/v1/bond-issues/${issueId}/subscriptions`)
      .set(s.user.auth)
      .set("Idempotency-Key", `s${i}`)
      .send({ organizationId: s.organizationId, amount: eur(s.amount) })
      .expect(201);
  h.clock.set("2026-03-31T12:00:00Z");
  await api(h).post(`/api/v1/bond-issues/${issueId}/clear`).set(c.treasurer.auth).expect(200);
  return { assetId, issueId };
}
