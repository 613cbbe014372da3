// A living commune for newcomers: works, cooperatives, firms, and a few months of invoices and
// payments, all made through the same domain commands the server uses.
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
import { declareUsages } from "../usage/declare-usage.js";
import { runBilling } from "../billing/run-billing.js";
import { recordPayment } from "../payments/record-payment.js";
import { findInvoice } from "../invoices/invoices.queries.js";
import type { Signer } from "../grants/signing-key.js";
import type { GitHub } from "../github/github-client.js";
import type { OrganizationKind } from "../db/schema.js";

export const DEMO_ACCOUNTS = [
  { role: "treasurer", email: "treasurer@demo.commune", password: "demo-treasurer" },
  { role: "maintainer", email: "maintainer@demo.commune", password: "demo-maintainer" },
  { role: "company member", email: "company@demo.commune", password: "demo-company" },
] as const;

const at = (iso: string): Clock => ({ now: () => new Date(iso) });

function monthsBefore(today: Date, n: number): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - n, 1)).toISOString().slice(0, 7);
}

export async function seedDemo(
  db: Db,
  deps: { clock: Clock; signer: Signer; github: GitHub; invoicePrefix: string; paymentTermsDays: number },
): Promise<"seeded" | "already_seeded"> {
  if ((db.select({ n: count() }).from(works).get()?.n ?? 0) > 0) return "already_seeded";
  const now = deps.clock.now();
  const start = monthsBefore(now, 5);
  const clock = at(`${start}-01T09:00:00Z`);
  const [treasurerAcc, maintainerAcc, companyAcc] = DEMO_ACCOUNTS;
  const treasurer = createUser(
    db,
    {
      email: treasurerAcc.email,
      name: "Tess Treasurer",
      passwordHash: await hashPassword(treasurerAcc.password),
      isTreasurer: true,
      actorUserId: null,
    },
    { clock },
  );
  createApiToken(db, { userId: treasurer.id, name: "demo", actorUserId: null }, { clock });
  const maintainer = createUser(
    db,
    {
      email: maintainerAcc.email,
      name: "Mai Maintainer",
      passwordHash: await hashPassword(maintainerAcc.password),
      actorUserId: treasurer.id,
    },
    { clock },
  );
  const company = createUser(
    db,
    { email: companyAcc.email, name: "Cora Company", passwordHash: await hashPassword(companyAcc.password), actorUserId: treasurer.id },
    { clock },
  );

  const evidence = (name: string, workers: number): CooperativeEvidenceInput => ({
    jurisdiction: "DE-BE",
    registryNumber: `GnR ${1000 + workers}`,
    bylawsUrl: `https://${name.toLowerCase().replace(/\W+/g, "-")}.example/bylaws.pdf`,
    workerOwnerCount: workers,
    distributesAllSurplus: true,
  });
  const org = (name: string, kind: OrganizationKind, owner: number, country: string, logins: string[] = [], workers = 0) =>
    createOrganization(
      db,
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

  const commonsTech = org("Commons Tech Cooperative", "worker_cooperative", maintainer.id, "DE", ["commons-tech"], 14);
  decideVerification(
    db,
    { organizationId: commonsTech.id, decision: "verified", reason: "Registry entry and bylaws checked", actorUserId: treasurer.id },
    { clock },
  );
  const actor = { id: maintainer.id, email: maintainer.email, name: maintainer.name, isTreasurer: false, via: "session" as const };
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
  const registered = [];
  for (const spec of workSpecs) {
    registered.push(
      (
        await registerWork(
          db,
          { packages: spec.packages, licensorOrganizationId: commonsTech.id, title: spec.title, description: spec.description },
          actor,
          { clock, github: deps.github, githubApiUrl: "https://api.github.com" },
        )
      ).work,
    );
  }

  const facts = (organizationId: number, headcount: number, revenueMinor: number | null, actorUserId: number) =>
    recordSizeFacts(
      db,
      {
        organizationId,
        effectiveOn: `${start}-01`,
        headcount,
        annualRevenue: revenueMinor === null ? undefined : { amountMinor: revenueMinor, currency: "EUR" },
        actorUserId,
      },
      { clock },
    );
  const acme = org("Acme Analytics GmbH", "commercial", company.id, "DE", ["acme-analytics"]);
  facts(acme.id, 35, 420_000_000, company.id);
  const globex = org("Globex Ltd", "commercial", treasurer.id, "GB");
  facts(globex.id, 420, 9_000_000_000, treasurer.id);
  const initech = org("Initech", "commercial", treasurer.id, "US");
  const bakery = org("Riverside Bakery Cooperative", "worker_cooperative", treasurer.id, "NL", [], 9);
  facts(bakery.id, 9, null, treasurer.id);
  const fairbnb = org("Fairbnb Cooperative", "worker_cooperative", treasurer.id, "IT", [], 22);
  decideVerification(
    db,
    {
      organizationId: fairbnb.id,
      decision: "verified",
      reason: "Member of the national cooperative federation",
      actorUserId: treasurer.id,
    },
    { clock },
  );
  const okf = org("Open Knowledge Foundation", "nonprofit", treasurer.id, "DE");

  const slugs = registered.map((w) => w.slug);
  const use = (o: typeof acme, purpose: "commercial" | "noncommercial", picks: number[], startedOn: string, actorId: number) =>
    declareUsages(
      db,
      o,
      picks.map((i) => ({ workSlug: slugs[i]!, purpose, startedOn })),
      actorId,
      { clock },
    );
  use(acme, "commercial", [0, 1, 4], `${start}-01`, company.id);
  use(globex, "commercial", [0, 2, 3, 4], `${start}-10`, treasurer.id);
  use(initech, "commercial", [3], `${monthsBefore(now, 3)}-15`, treasurer.id);
  use(bakery, "commercial", [2], `${monthsBefore(now, 2)}-01`, treasurer.id);
  use(fairbnb, "commercial", [0, 1], `${start}-01`, treasurer.id);
  use(okf, "noncommercial", [1, 4], `${start}-01`, treasurer.id);

  // Bill each complete month on the 2nd of the next; Acme pays on time, Globex pays late and in
  // parts, Initech does not pay.
  for (let back = 5; back >= 1; back--) {
    const month = monthsBefore(now, back);
    const billedOn = `${monthsBefore(now, back - 1)}-02T08:00:00Z`;
    const billingDeps = { ...deps, clock: at(billedOn) };
    const run = runBilling(db, { month, actorUserId: treasurer.id }, billingDeps);
    for (const inv of run.invoices) {
      if (!inv.number || inv.status !== "issued") continue;
      const invoice = findInvoice(db, inv.number)!;
      const paidOn = `${monthsBefore(now, back - 1)}-2${back % 5}`;
      if (new Date(`${paidOn}T12:00:00Z`) > now) continue;
      const payDeps = { ...deps, clock: at(`${paidOn}T12:00:00Z`) };
      if (inv.organizationId === acme.id) {
        recordPayment(
          db,
          {
            invoiceId: invoice.id,
            amount: inv.total,
            paidOn,
            reference: `SEPA ${inv.number}`,
            idempotencyKey: `demo-${inv.number}`,
            actorUserId: treasurer.id,
          },
          payDeps,
        );
      } else if (inv.organizationId === globex.id && back >= 3) {
        const half = Math.floor(inv.total.amountMinor / 2);
        recordPayment(
          db,
          {
            invoiceId: invoice.id,
            amount: { amountMinor: half, currency: inv.total.currency },
            paidOn,
            reference: `Wire ${inv.number} (1/2)`,
            idempotencyKey: `demo-${inv.number}-1`,
            actorUserId: treasurer.id,
          },
          payDeps,
        );
        if (back >= 4)
          recordPayment(
            db,
            {
              invoiceId: invoice.id,
              amount: { amountMinor: inv.total.amountMinor - half, currency: inv.total.currency },
              paidOn,
              reference: `Wire ${inv.number} (2/2)`,
              idempotencyKey: `demo-${inv.number}-2`,
              actorUserId: treasurer.id,
            },
            payDeps,
          );
      }
    }
  }
  return "seeded";
}
