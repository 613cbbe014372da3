// Builds a small commune through the domain commands, for billing and check tests.
import type { Db } from "../../src/db/client.js";
import type { OrganizationKind } from "../../src/organizations/vocabulary.js";
import type { Actor } from "../../src/shared/actor.js";
import type { Clock } from "../../src/shared/clock.js";
import { createOrganization } from "../../src/organizations/create-organization.js";
import { recordSizeFacts } from "../../src/organizations/record-size-facts.js";
import { decideVerification } from "../../src/organizations/decide-verification.js";
import { registerWork } from "../../src/works/register-work.js";
import { decideWorkVerification } from "../../src/works/work-claims.js";
import { declareUsages, type UsageInput } from "../../src/usage/declare-usage.js";
import { GitHub } from "../../src/github/github-client.js";
import type { Organization } from "../../src/organizations/organizations.queries.js";
import type { Harness, TestUser } from "./harness.js";
import { makeUser } from "./harness.js";

const unusedGitHub = new GitHub({ baseUrl: "http://127.0.0.1:9", timeoutMs: 100, retries: 0 });

export class Commune {
  private readonly actor: Actor;
  private constructor(
    private readonly h: Harness,
    readonly owner: TestUser,
    readonly treasurer: TestUser,
  ) {
    this.actor = { id: owner.id, isTreasurer: true };
  }

  /** A commune whose organizations belong to `owner` (a new user when not given), with a treasurer. */
  static async create(h: Harness, owner?: TestUser): Promise<Commune> {
    return new Commune(h, owner ?? (await makeUser(h)), await makeUser(h, { treasurer: true }));
  }

  get db(): Db {
    return this.h.db;
  }
  get clock(): Clock {
    return this.h.clock;
  }

  async org(
    name: string,
    kind: OrganizationKind,
    options: { headcount?: number; revenue?: { amountMinor: number; currency: string }; factsOn?: string; owner?: TestUser } = {},
  ) {
    const org = await createOrganization(
      this.db,
      {
        name,
        kind,
        country: "DE",
        ownerUserId: (options.owner ?? this.owner).id,
        cooperative:
          kind === "worker_cooperative"
            ? {
                jurisdiction: "DE",
                registryNumber: `GnR ${name}`,
                bylawsUrl: "https://coop.example/bylaws",
                workerOwnerCount: 5,
                distributesAllSurplus: true,
              }
            : undefined,
      },
      { clock: this.clock },
    );
    if (options.headcount !== undefined) {
      await recordSizeFacts(
        this.db,
        {
          organizationId: org.id,
          effectiveOn: options.factsOn ?? "2025-01-01",
          headcount: options.headcount,
          annualRevenue: options.revenue,
          actorUserId: this.owner.id,
        },
        { clock: this.clock },
      );
    }
    return org;
  }

  async verify(organizationId: number, decision: "verified" | "rejected") {
    return decideVerification(this.db, { organizationId, decision, reason: "test", actorUserId: this.treasurer.id }, { clock: this.clock });
  }

  /**
   * A package-only work (`pkg:npm/{slug}`), verified by the commune's treasurer unless `verified: false`:
   * only verified works are billed and priced.
   */
  async work(slug: string, licensorOrganizationId: number, options: { verified?: boolean } = {}) {
    const { work } = await registerWork(this.db, { packages: [`pkg:npm/${slug}`], licensorOrganizationId, title: slug }, this.actor, {
      clock: this.clock,
      github: unusedGitHub,
      githubApiUrl: "https://api.github.com",
    });
    return options.verified === false ? work : this.verifyWork(work.slug);
  }

  /** A treasurer verifies (or rejects) a work's claim by hand. */
  async verifyWork(slug: string, decision: "verified" | "rejected" = "verified") {
    return decideWorkVerification(
      this.db,
      { id: this.treasurer.id, isTreasurer: true },
      { slug, decision, reason: "registry entry checked by hand" },
      { clock: this.clock },
    );
  }

  async use(org: Organization, usage: UsageInput | UsageInput[]) {
    return declareUsages(this.db, org, Array.isArray(usage) ? usage : [usage], this.owner.id, { clock: this.clock });
  }
}

/**
 * The books the billing property tests start from, on 1 Aug 2026: a licensor with two verified works and three
 * firms (small; large with a revenue that caps its fee; one with no size facts), plus the invoicing settings
 * (a prefix the configuration accepts: the ledger check reads numbers back through the same rule).
 */
export async function billingWorld(h: Harness) {
  const c = await Commune.create(h);
  h.clock.set("2026-08-01T00:00:00Z");
  const licensor = await c.org("Commons", "nonprofit");
  const works = [await c.work("alpha", licensor.id), await c.work("beta", licensor.id)];
  const firms = [
    await c.org("Small", "commercial", { headcount: 3 }),
    await c.org("Capped", "commercial", { headcount: 300, revenue: { amountMinor: 5_000_000, currency: "EUR" } }),
    await c.org("Unknown", "commercial"),
  ];
  const deps = { clock: h.clock, signer: h.deps.signer, invoicePrefix: "TST", paymentTermsDays: 14 };
  return { c, works, firms, deps };
}
