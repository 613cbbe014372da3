// The demo's venture commune (PRODUCT.md §14): a verified cooperative's asset financed by a cleared bond issue
// of two member organizations, and months of rent through the ordinary invoices — paid on time, one month
// capped by a declared surplus (its principal deferred), one paid short and overdue, the last not yet due —
// made through the domain commands, so the pages and the books show a commune in motion.
import type { Db } from "../db/client.js";
import type { Clock } from "../shared/clock.js";
import { proposeAsset } from "../assets/propose-asset.js";
import { transitionAsset } from "../assets/transition-asset.js";
import { declareSurplus } from "../assets/declare-surplus.js";
import { createBondIssue } from "../bonds/create-bond-issue.js";
import { subscribeBonds } from "../bonds/subscribe-bonds.js";
import { clearBondIssue } from "../bonds/clear-bond-issue.js";
import { runRent } from "../bonds/rent-run.js";
import { recordPayment } from "../payments/record-payment.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";

const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const eur = (amountMinor: number) => ({ amountMinor, currency: "EUR" });

export interface VenturePeople {
  treasurerId: number;
  /** The lessee cooperative, owned by the treasurer in the demo. */
  lessee: { organizationId: number };
  holders: { organizationId: number; userId: number; amountMinor: number }[];
}

/** Proposal, offer, a fixed 6 % annuity issue of 12,000.00 over 24 months, two subscriptions, cleared on the 10th. */
export async function seedBondIssue(tx: Db, people: VenturePeople, start: string): Promise<number> {
  const treasurer = { id: people.treasurerId, isTreasurer: true };
  const clock = at(`${start}-01T10:00:00Z`);
  const asset = await proposeAsset(
    tx,
    treasurer,
    {
      organizationId: people.lessee.organizationId,
      title: "Shared cargo e-bike fleet",
      description: "Eight cargo e-bikes with chargers for the platform's local hosts and deliveries",
      cost: eur(1_200_000),
      rentalOffer: { monthlyRent: eur(60_000), termMonths: 24 },
    },
    { clock },
  );
  await transitionAsset(tx, treasurer, { assetId: asset.id, to: "offering", reason: "Approved by the members' assembly" }, { clock });
  const issue = await createBondIssue(
    tx,
    treasurer,
    {
      assetId: asset.id,
      target: eur(1_200_000),
      minimum: eur(600_000),
      maxRateBps: 600,
      mode: "fixed",
      opensOn: `${start}-01`,
      closesOn: `${start}-10`,
      termMonths: 24,
      repayment: "annuity",
      minSubscription: eur(10_000),
      maxPerHolder: eur(1_200_000),
      offerDocument:
        "# Cargo e-bike bonds\n\n6 % a year, repaid monthly from the fleet's rent over 24 months; the fleet is the collateral.",
    },
    { clock },
  );
  for (const [i, h] of people.holders.entries())
    await subscribeBonds(
      tx,
      { id: h.userId, isTreasurer: false },
      { issueId: issue.id, organizationId: h.organizationId, amount: eur(h.amountMinor), idempotencyKey: `demo-bonds-${i}` },
      { clock: at(`${start}-0${3 + i}T10:00:00Z`) },
    );
  await clearBondIssue(tx, treasurer, issue.id, { clock: at(`${start}-10T12:00:00Z`) });
  return asset.id;
}

/**
 * One month's rent, run on the 2nd of the next month (`next`): `back` months before today. Three months back
 * the lessee declares a surplus whose cap defers part of the principal; two back it pays short; the last month
 * is left unpaid (not yet due).
 */
export async function seedRentMonth(
  tx: Db,
  people: VenturePeople,
  input: { assetId: number; month: string; next: string; back: number; now: Date },
  deps: InvoicingDeps,
): Promise<void> {
  const treasurer = { id: people.treasurerId, isTreasurer: true };
  if (input.back === 3)
    await declareSurplus(
      tx,
      treasurer,
      { assetId: input.assetId, month: input.month, surplus: eur(80_000) },
      { clock: at(`${input.month}-28T10:00:00Z`) },
    );
  const run = await runRent(tx, treasurer, input.month, { ...deps, clock: at(`${input.next}-02T09:00:00Z`) });
  const invoice = run.invoices[0];
  const paidOn = `${input.next}-05`;
  if (!invoice || input.back === 1 || new Date(`${paidOn}T12:00:00Z`) > input.now) return;
  await recordPayment(
    tx,
    {
      invoiceId: invoice.id,
      amount: eur(input.back === 2 ? Math.floor(invoice.totalMinor / 2) : invoice.totalMinor),
      paidOn,
      reference: `Rent ${invoice.number}`,
      idempotencyKey: `demo-rent-${invoice.number}`,
      actorUserId: people.treasurerId,
    },
    { ...deps, clock: at(`${paidOn}T12:00:00Z`) },
  );
}
