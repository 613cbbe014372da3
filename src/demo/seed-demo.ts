// A living commune for newcomers: works, cooperatives, firms, and a few months of invoices and
// payments, all made through the same domain commands the server uses, in one transaction: the
// demo is there whole or not at all, and two processes seeding at once add it once.
import { count } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { works } from "../db/schema.js";
import type { Clock } from "../shared/clock.js";
import { createUser } from "../accounts/create-user.js";
import { hashPassword } from "../accounts/passwords.js";
import { createApiToken } from "../accounts/tokens.js";
import { createOrganization, type CooperativeEvidenceInput } from "../organizations/create-organization.js";
import { recordSizeFacts } from "../organizations/record-size-facts.js";
import { decideVerification } from "../organizations/decide-verification.js";
import { registerWork } from "../works/register-work.js";
import { decideWorkVerification } from "../works/work-claims.js";
import { declareUsages } from "../usage/declare-usage.js";
import { runBilling } from "../billing/run-billing.js";
import { recordPayment } from "../payments/record-payment.js";
import { findInvoice } from "../invoices/invoices.queries.js";
import type { Organization } from "../organizations/organizations.queries.js";
import type { Signer } from "../grants/signing-key.js";
import type { GitHub } from "../github/github-client.js";
import type { OrganizationKind } from "../organizations/vocabulary.js";
import { seedBondIssue, seedRentMonth, type VenturePeople } from "./seed-venture.js";

export const DEMO_ACCOUNTS = [
  { role: "treasurer", email: "treasurer@demo.commune", password: "demo-treasurer" },
  { role: "maintainer", email: "maintainer@demo.commune", password: "demo-maintainer" },
  { role: "company member", email: "company@demo.commune", password: "demo-company" },
] as const;

const at = (iso: string): Clock => ({ now: () => new Date(iso) });

function monthsBefore(today: Date, n: number): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - n, 1)).toISOString().slice(0, 7);
}

type SeedDeps = { clock: Clock; signer: Signer; github: GitHub; invoicePrefix: string; paymentTermsDays: number };
type Outcome = "seeded" | "already_seeded";

async function hasWorks(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(works);
  return (row?.n ?? 0) > 0;
}

export async function seedDemo(db: Db, deps: SeedDeps): Promise<Outcome> {
  if (await hasWorks(db)) return "already_seeded";
  // Hashing is slow and needs no database: done before the transaction opens.
  const hashes = await Promise.all(DEMO_ACCOUNTS.map((account) => hashPassword(account.password)));
  try {
    return await db.transaction(async (tx): Promise<Outcome> => {
      if (await hasWorks(tx)) return "already_seeded";
      await seedCommune(tx, deps, hashes);
      return "seeded";
    });
  } catch (err) {
    // Another process seeded at the same time and committed first (its users' emails are taken):
    // its demo is the demo.
    if (await hasWorks(db)) return "already_seeded";
    throw err;
  }
}

async function seedCommune(tx: Db, deps: SeedDeps, hashes: string[]): Promise<void> {
  const now = deps.clock.now();
  const start = monthsBefore(now, 5);
  const clock = at(`${start}-01T09:00:00Z`);
  const people = await seedPeople(tx, hashes, clock);
  const org = organizationMaker(tx, clock);
  const commonsTech = await org("Commons Tech Cooperative", "worker_cooperative", people.maintainer.id, "DE", ["commons-tech"], 14);
  await decideVerification(
    tx,
    { organizationId: commonsTech.id, decision: "verified", reason: "Registry entry and bylaws checked", actorUserId: people.treasurer.id },
    { clock },
  );
  const slugs = await seedWorks(tx, commonsTech.id, people.maintainer.id, { clock, github: deps.github });
  // Package-only claims: a treasurer verifies them by hand (only verified works earn).
  for (const slug of slugs) {
    await decideWorkVerification(
      tx,
      { id: people.treasurer.id, isTreasurer: true },
      { slug, decision: "verified", reason: "Package ownership checked with the maintainers" },
      { clock },
    );
  }
  const customers = await seedCustomers(tx, org, people, start, clock);
  const use = async (o: Organization, purpose: "commercial" | "noncommercial", picks: number[], startedOn: string, actorId: number) => {
    await declareUsages(
      tx,
      o,
      picks.map((i) => ({ workSlug: slugs[i]!, purpose, startedOn })),
      actorId,
      { clock },
    );
  };
  const treasurerId = people.treasurer.id;
  await use(customers.acme, "commercial", [0, 1, 4], `${start}-01`, people.company.id);
  await use(customers.globex, "commercial", [0, 2, 3, 4], `${start}-10`, treasurerId);
  await use(customers.initech, "commercial", [3], `${monthsBefore(now, 3)}-15`, treasurerId);
  await use(customers.bakery, "commercial", [2], `${monthsBefore(now, 2)}-01`, treasurerId);
  await use(customers.fairbnb, "commercial", [0, 1], `${start}-01`, treasurerId);
  await use(customers.okf, "noncommercial", [1, 4], `${start}-01`, treasurerId);
  const venture: VenturePeople = {
    treasurerId,
    lessee: { organizationId: customers.fairbnb.id },
    holders: [
      { organizationId: customers.acme.id, userId: people.company.id, amountMinor: 700_000 },
      { organizationId: customers.okf.id, userId: treasurerId, amountMinor: 500_000 },
    ],
  };
  const assetId = await seedBondIssue(tx, venture, start);
  const rent = (month: string, next: string, back: number) => seedRentMonth(tx, venture, { assetId, month, next, back, now }, deps);
  await seedBilling(tx, { acme: customers.acme.id, globex: customers.globex.id }, treasurerId, deps, rent);
}

async function seedPeople(tx: Db, [treasurerHash, maintainerHash, companyHash]: string[], clock: Clock) {
  const [treasurerAcc, maintainerAcc, companyAcc] = DEMO_ACCOUNTS;
  const treasurer = await createUser(
    tx,
    { email: treasurerAcc.email, name: "Tess Treasurer", passwordHash: treasurerHash!, isTreasurer: true, actorUserId: null },
    { clock },
  );
  await createApiToken(tx, { userId: treasurer.id, name: "demo", actorUserId: null }, { clock });
  const maintainer = await createUser(
    tx,
    { email: maintainerAcc.email, name: "Mai Maintainer", passwordHash: maintainerHash!, actorUserId: treasurer.id },
    { clock },
  );
  const company = await createUser(
    tx,
    { email: companyAcc.email, name: "Cora Company", passwordHash: companyHash!, actorUserId: treasurer.id },
    { clock },
  );
  return { treasurer, maintainer, company };
}

function organizationMaker(tx: Db, clock: Clock) {
  const evidence = (name: string, workers: number): CooperativeEvidenceInput => ({
    jurisdiction: "DE-BE",
    registryNumber: `GnR ${1000 + workers}`,
    bylawsUrl: `https://${name.toLowerCase().replace(/\W+/g, "-")}.example/bylaws.pdf`,
    workerOwnerCount: workers,
    distributesAllSurplus: true,
  });
  return (name: string, kind: OrganizationKind, owner: number, country: string, logins: string[] = [], workers = 0) =>
    createOrganization(
      tx,
      {
        name,
        kind,
        country,
        githubLogins: logins,
        cooperative: kind === "worker_cooperative" ? evidence(name, workers) : undefined,
        ownerUserId: owner,
      },
      { clock },
    );
}

async function seedWorks(tx: Db, licensorOrganizationId: number, maintainerId: number, deps: { clock: Clock; github: GitHub }) {
  const actor = { id: maintainerId, isTreasurer: false };
  const workSpecs = [
    { title: "ledger-tool", description: "Double-entry bookkeeping for cooperatives", packages: ["pkg:npm/ledger-tool"] },
    { title: "mutual-aid-maps", description: "Maps for mutual aid networks", packages: ["pkg:npm/mutual-aid-maps"] },
    {
      title: "coop-scheduler",
      description: "Shift scheduling shared among worker-owners",
      packages: ["pkg:npm/coop-scheduler", "pkg:pypi/coop-scheduler"],
    },
    { title: "fair-queue", description: "A fair job queue", packages: ["pkg:npm/fair-queue"] },
    { title: "commons-ui", description: "Accessible interface components", packages: ["pkg:npm/%40commons/ui"] },
  ];
  const slugs: string[] = [];
  // Package URLs only: registering them asks GitHub nothing, so it may run inside the transaction.
  for (const spec of workSpecs) {
    const { work } = await registerWork(
      tx,
      { packages: spec.packages, licensorOrganizationId, title: spec.title, description: spec.description },
      actor,
      { ...deps, githubApiUrl: "https://api.github.com" },
    );
    slugs.push(work.slug);
  }
  return slugs;
}

async function seedCustomers(
  tx: Db,
  org: ReturnType<typeof organizationMaker>,
  people: { treasurer: { id: number }; company: { id: number } },
  start: string,
  clock: Clock,
) {
  const facts = (organizationId: number, headcount: number, revenueMinor: number | null, actorUserId: number) =>
    recordSizeFacts(
      tx,
      {
        organizationId,
        effectiveOn: `${start}-01`,
        headcount,
        annualRevenue: revenueMinor === null ? undefined : { amountMinor: revenueMinor, currency: "EUR" },
        actorUserId,
      },
      { clock },
    );
  const treasurerId = people.treasurer.id;
  const acme = await org("Acme Analytics GmbH", "commercial", people.company.id, "DE", ["acme-analytics"]);
  await facts(acme.id, 35, 420_000_000, people.company.id);
  const globex = await org("Globex Ltd", "commercial", treasurerId, "GB");
  await facts(globex.id, 420, 9_000_000_000, treasurerId);
  const initech = await org("Initech", "commercial", treasurerId, "US");
  const bakery = await org("Riverside Bakery Cooperative", "worker_cooperative", treasurerId, "NL", [], 9);
  await facts(bakery.id, 9, null, treasurerId);
  const fairbnb = await org("Fairbnb Cooperative", "worker_cooperative", treasurerId, "IT", [], 22);
  await decideVerification(
    tx,
    { organizationId: fairbnb.id, decision: "verified", reason: "Member of the national cooperative federation", actorUserId: treasurerId },
    { clock },
  );
  const okf = await org("Open Knowledge Foundation", "nonprofit", treasurerId, "DE");
  return { acme, globex, initech, bakery, fairbnb, okf };
}

/**
 * Bills each complete month on the 2nd of the next; Acme pays on time, Globex pays late and in
 * parts, Initech does not pay. The venture commune's rent of the month follows.
 */
async function seedBilling(
  tx: Db,
  payers: { acme: number; globex: number },
  treasurerId: number,
  deps: SeedDeps,
  rent: (month: string, next: string, back: number) => Promise<void>,
): Promise<void> {
  const now = deps.clock.now();
  for (let back = 5; back >= 1; back--) {
    const month = monthsBefore(now, back);
    const billedOn = `${monthsBefore(now, back - 1)}-02T08:00:00Z`;
    const run = await runBilling(tx, { month, actorUserId: treasurerId }, { ...deps, clock: at(billedOn) });
    for (const inv of run.invoices) {
      if (!inv.number || inv.status !== "issued") continue;
      const invoice = (await findInvoice(tx, inv.number))!;
      const paidOn = `${monthsBefore(now, back - 1)}-2${back % 5}`;
      if (new Date(`${paidOn}T12:00:00Z`) > now) continue;
      const payDeps = { ...deps, clock: at(`${paidOn}T12:00:00Z`) };
      const pay = (amountMinor: number, reference: string, idempotencyKey: string) =>
        recordPayment(
          tx,
          {
            invoiceId: invoice.id,
            amount: { amountMinor, currency: inv.total.currency },
            paidOn,
            reference,
            idempotencyKey,
            actorUserId: treasurerId,
          },
          payDeps,
        );
      if (inv.organizationId === payers.acme) {
        await pay(inv.total.amountMinor, `SEPA ${inv.number}`, `demo-${inv.number}`);
      } else if (inv.organizationId === payers.globex && back >= 3) {
        const half = Math.floor(inv.total.amountMinor / 2);
        await pay(half, `Wire ${inv.number} (1/2)`, `demo-${inv.number}-1`);
        if (back >= 4) await pay(inv.total.amountMinor - half, `Wire ${inv.number} (2/2)`, `demo-${inv.number}-2`);
      }
    }
    // The month's rent, invoiced after the month's fees (numbers follow the days they are issued on).
    await rent(month, monthsBefore(now, back - 1), back);
  }
}
