// No fee without proof (PRODUCT.md §13): a claim is verified by control of the repository and, for
// packages, registry metadata naming that repository, or by a treasurer with a reason; anyone may
// dispute a claim and a treasurer decides; only verified works earn, and only on the days their license
// file was the PPL.
import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { canonicalLicenseText } from "../../src/licenses/recognise-license.js";
import { renderLicense } from "../../src/licenses/render-license.js";
import { sql } from "drizzle-orm";
import { execute } from "../../src/db/sql.js";
import { api, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";
import { FakeGitHub } from "../support/fake-github.js";
import { FakeNpm } from "../support/fake-npm.js";

const WEBHOOK_SECRET = "webhook-secret-for-claims";
const REAL_TOKEN = "ghp_real_maintainer_token_1234";

let fake: FakeGitHub;
let npm: FakeNpm;
let h: Harness;
let treasurer: TestUser;
let squatter: TestUser;
let maintainer: TestUser;
let firm: { id: number; owner: TestUser };

beforeAll(async () => {
  fake = await new FakeGitHub().start();
  npm = await new FakeNpm().start();
});
afterAll(async () => {
  await Promise.all([fake.stop(), npm.stop()]);
});

const ppl = () =>
  renderLicense(
    { title: "react", licensorName: "React Coop", year: 2025, versionRange: null, workUrl: "https://x.example/works/react" },
    "text",
  );

beforeEach(async () => {
  fake.repos.clear();
  npm.packages.clear();
  fake.addUser("dan", REAL_TOKEN);
  fake.addRepo("facebook", "react", { collaborators: { dan: "admin" }, files: { LICENSE: ppl() } });
  npm.publish("react", { type: "git", url: "git+https://github.com/facebook/react.git" });
  h = await makeHarness({ GITHUB_API_URL: fake.url, NPM_REGISTRY_URL: npm.url, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET });
  h.clock.set("2026-02-01T09:00:00Z");
  treasurer = await makeUser(h, { treasurer: true });
  squatter = await makeUser(h);
  maintainer = await makeUser(h);
  const owner = await makeUser(h);
  const created = await api(h).post("/api/v1/organizations").set(owner.auth).send({ name: "Firm", kind: "commercial" }).expect(201);
  await api(h).post(`/api/v1/organizations/${created.body.id}/facts`).set(owner.auth).send({ effectiveOn: "2026-01-01", headcount: 5 });
  firm = { id: created.body.id, owner };
});
afterEach(async () => {
  await h.close();
});

async function orgOf(user: TestUser, name: string): Promise<number> {
  return (await api(h).post("/api/v1/organizations").set(user.auth).send({ name, kind: "nonprofit" }).expect(201)).body.id;
}

const register = (user: TestUser, body: Record<string, unknown>) => api(h).post("/api/v1/works").set(user.auth).send(body);

async function useCommercially(slug: string, startedOn = "2026-01-01") {
  await api(h)
    .post(`/api/v1/organizations/${firm.id}/usages`)
    .set(firm.owner.auth)
    .send({ workSlug: slug, purpose: "commercial", startedOn })
    .expect(201);
}

async function bill(month: string, on: string) {
  h.clock.set(on);
  const run = await api(h).post("/api/v1/billing-runs").set(treasurer.auth).send({ month });
  expect(run.status, JSON.stringify(run.body)).toBe(201);
  return run.body.invoices as { organizationId: number; total: { amountMinor: number } }[];
}

function deliver(event: string, id: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return api(h)
    .post("/webhooks/github")
    .set("content-type", "application/json")
    .set("x-github-event", event)
    .set("x-github-delivery", id)
    .set("x-hub-signature-256", `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`)
    .send(body);
}

describe("claims", () => {
  it("a squatted package earns nothing; the real maintainer disputes, a treasurer upholds, the real claim is proven by npm", async () => {
    const squatterOrg = await orgOf(squatter, "Squat Ltd");
    const squat = await register(squatter, { packages: ["pkg:npm/react"], licensorOrganizationId: squatterOrg });
    expect(squat.status).toBe(201);
    expect(squat.body.verification).toBe("unverified");
    await useCommercially("react");
    expect(await bill("2026-01", "2026-02-02T09:00:00Z")).toEqual([]);

    const realOrg = await orgOf(maintainer, "React Coop");
    const real = {
      repository: "https://github.com/facebook/react",
      packages: ["pkg:npm/react"],
      githubToken: REAL_TOKEN,
      licensorOrganizationId: realOrg,
    };
    expect((await register(maintainer, real)).body.code).toBe("purl_taken");
    const dispute = await api(h)
      .post("/api/v1/works/react/disputes")
      .set(maintainer.auth)
      .send({ reason: "react is ours: see github.com/facebook/react" });
    expect(dispute.status).toBe(201);
    expect(dispute.body).toMatchObject({ workSlug: "react", status: "open", openedBy: maintainer.id, decision: null });
    expect((await api(h).post("/api/v1/works/react/disputes").set(maintainer.auth).send({ reason: "again" })).status).toBe(409);

    // Both sides see the history; a stranger does not; only a treasurer decides.
    for (const side of [squatter, maintainer, treasurer]) {
      const seen = await api(h).get("/api/v1/works/react/disputes").set(side.auth);
      expect(seen.status).toBe(200);
      expect(seen.body.history.map((e: { event: string }) => e.event)).toEqual(["registered", "disputed"]);
    }
    expect((await api(h).get("/api/v1/works/react/disputes").set(firm.owner.auth)).status).toBe(403);
    const decide = (user: TestUser) =>
      api(h)
        .post(`/api/v1/works/react/disputes/${dispute.body.id}/decision`)
        .set(user.auth)
        .send({ decision: "upheld", reason: "npm names facebook/react" });
    expect((await decide(squatter)).status).toBe(403);
    const decided = await decide(treasurer);
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: "upheld", decision: { reason: "npm names facebook/react", decidedBy: treasurer.id } });
    const history = (await api(h).get("/api/v1/works/react/disputes").set(squatter.auth)).body;
    expect(history.history.at(-1)).toMatchObject({
      event: "dispute_upheld",
      verification: "unverified",
      reason: "npm names facebook/react (released: pkg:npm/react)",
    });
    expect((await api(h).get("/api/v1/works/react").expect(200)).body.packages).toEqual([]);

    const proven = await register(maintainer, real);
    expect(proven.status, JSON.stringify(proven.body)).toBe(201);
    expect(proven.body).toMatchObject({ verification: "verified", packages: ["pkg:github/facebook/react", "pkg:npm/react"] });
    await useCommercially(proven.body.slug);
    const march = await bill("2026-02", "2026-03-02T09:00:00Z");
    expect(march.map((i) => i.organizationId)).toEqual([firm.id]);
  });

  it("a package whose registry metadata names another repository stays unverified until a treasurer verifies it by hand", async () => {
    npm.publish("react", "github:someone-else/react");
    const org = await orgOf(maintainer, "React Coop");
    const res = await register(maintainer, {
      repository: "https://github.com/facebook/react",
      packages: ["pkg:npm/react"],
      githubToken: REAL_TOKEN,
      licensorOrganizationId: org,
    });
    expect(res.status).toBe(201);
    expect(res.body.verification).toBe("unverified");
    const history = (await api(h).get(`/api/v1/works/${res.body.slug}/disputes`).set(maintainer.auth)).body;
    expect(history.history[0].reason).toContain("pkg:npm/react (its registry metadata names github.com/someone-else/react)");
    await useCommercially(res.body.slug);
    expect(await bill("2026-01", "2026-02-02T09:00:00Z")).toEqual([]);

    const verify = (user: TestUser, body: object) => api(h).post(`/api/v1/works/${res.body.slug}/verification`).set(user.auth).send(body);
    expect((await verify(maintainer, { decision: "verified", reason: "trust me" })).status).toBe(403);
    expect((await verify(treasurer, { decision: "verified" })).status).toBe(422);
    const verified = await verify(treasurer, { decision: "verified", reason: "npm maintainers list checked by hand" });
    expect(verified.status).toBe(200);
    expect(verified.body.verification).toBe("verified");
    // Proof is of control, not of time: January is billed by the next run.
    const feb = await bill("2026-02", "2026-03-02T09:00:00Z");
    expect(feb).toHaveLength(1);
    expect((await verify(treasurer, { decision: "rejected", reason: "the npm owner objected" })).body.verification).toBe("unverified");
    expect(await bill("2026-03", "2026-04-02T09:00:00Z")).toEqual([]);
  });
});

describe("license history", () => {
  it("a work whose license file stops being the PPL stops earning that day; a work not under the PPL never earns", async () => {
    const org = await orgOf(maintainer, "React Coop");
    const res = await register(maintainer, {
      repository: "https://github.com/facebook/react",
      githubToken: REAL_TOKEN,
      licensorOrganizationId: org,
    });
    expect(res.body).toMatchObject({ verification: "verified", license: { state: "ppl" } });
    await useCommercially(res.body.slug, "2026-01-01");

    h.clock.set("2026-03-11T08:00:00Z");
    const repo = fake.repos.get("facebook/react")!;
    repo.branches.main!.files.LICENSE = canonicalLicenseText("MIT");
    const push = await deliver("push", "lic-1", {
      ref: "refs/heads/main",
      repository: { id: repo.id, full_name: "facebook/react" },
      commits: [{ modified: ["LICENSE"] }],
    });
    expect(push.body.outcome).toBe("license_rechecked");
    // January whole (the PPL applied all along), March until the 10th, April nothing.
    const [jan] = await bill("2026-01", "2026-04-01T09:00:00Z");
    expect(jan!.total.amountMinor).toBe(1_000);
    const [march] = await bill("2026-03", "2026-04-01T09:00:00Z");
    expect(march!.total.amountMinor).toBe(Math.round((12_000 * 10) / (12 * 31)));
    expect(await bill("2026-04", "2026-05-01T09:00:00Z")).toEqual([]);
    // The histories are append-only (the refusal is the database's, under the driver's "Failed query").
    for (const table of ["work_license_history", "work_claim_events"]) {
      const refused = await h.db
        .transaction((tx) => execute(tx, sql.raw(`delete from ${table}`)))
        .then(
          () => "",
          (error: unknown) => {
            const parts: string[] = [];
            for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
            return parts.join(" | ");
          },
        );
      expect(refused).toMatch(/append-only/);
    }

    fake.addRepo("coop", "mit-tool", { collaborators: { dan: "admin" }, files: { LICENSE: canonicalLicenseText("MIT") } });
    const mit = await register(maintainer, {
      repository: "https://github.com/coop/mit-tool",
      githubToken: REAL_TOKEN,
      licensorOrganizationId: org,
    });
    expect(mit.body).toMatchObject({ verification: "verified", license: { state: "other" } });
    await useCommercially(mit.body.slug, "2026-01-01");
    expect(await bill("2026-05", "2026-06-01T09:00:00Z")).toEqual([]);
  });
});
