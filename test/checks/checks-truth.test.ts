// Checks tell the truth (PRODUCT.md §3, §13): unverified works owe nothing, declared purposes price a
// match, a work's fee is counted once whatever number of its versions a file holds, entries nobody can
// identify are counted and never matched, and the CLI gate follows its written rule.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, makeHarness, makeUser, tempDir, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { listen, type Listening } from "../support/listen.js";
import { gateFailures } from "../../packages/check-client/check-client.js";

const root = join(import.meta.dirname, "../..");
let h: Harness;
let c: Commune;
let firmOwner: TestUser;
let firmId: number;
let licensorId: number;

const lockfile = (packages: Record<string, object>) =>
  JSON.stringify({ name: "app", lockfileVersion: 3, packages: { "": { name: "app" }, ...packages } });

beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
  licensorId = (await c.org("Commons", "nonprofit")).id;
  await c.work("ledger-tool", licensorId);
  firmOwner = await makeUser(h);
  firmId = (await c.org("Acme", "commercial", { headcount: 20, owner: firmOwner })).id;
});
afterEach(async () => {
  await h.close();
});

const check = async (body: string, organizationId?: number) => {
  const req = api(h)
    .post(`/api/v1/checks${organizationId ? `?organizationId=${organizationId}` : ""}`)
    .set("content-type", "application/json");
  if (organizationId) req.set(firmOwner.auth);
  const res = await req.send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe("unverified works", () => {
  it("a claim nobody proved reports `unverified`, owes nothing, and owes once a treasurer verifies it", async () => {
    await c.work("react", licensorId, { verified: false });
    const file = lockfile({ "node_modules/react": { version: "18.2.0" }, "node_modules/ledger-tool": { version: "2.1.0" } });
    const report = await check(file, firmId);
    const react = report.matches.find((m: { purl: string }) => m.purl === "pkg:npm/react@18.2.0");
    expect(react).toMatchObject({ work: { slug: "react", verification: "unverified" }, obligation: "unverified" });
    expect(react.annualFee).toBeUndefined();
    expect(report.totals).toMatchObject({ works: 2, worksWithObligation: 1, unverifiedWorks: 1, annualFee: { amountMinor: 60_000 } });
    expect((await check(file)).matches.map((m: { obligation: string }) => m.obligation)).toEqual(["unpriced", "unverified"]);

    await c.verifyWork("react");
    const verified = await check(file, firmId);
    expect(verified.matches.map((m: { obligation: string }) => m.obligation)).toEqual(["fee", "fee"]);
    expect(verified.totals.annualFee.amountMinor).toBe(120_000);
  });
});

describe("declared purposes", () => {
  it("a declared noncommercial usage makes a match `none`; a nonprofit is priced by its declared purposes", async () => {
    await c.work("maps", licensorId);
    const firm = (await api(h).get(`/api/v1/organizations/${firmId}`).set(firmOwner.auth)).body;
    await c.use(firm, { workSlug: "ledger-tool", purpose: "noncommercial", startedOn: "2026-01-01" });
    const file = lockfile({ "node_modules/ledger-tool": { version: "2.1.0" }, "node_modules/maps": { version: "1.0.0" } });
    const obligations = (r: { matches: { work: { slug: string }; obligation: string }[] }) =>
      Object.fromEntries(r.matches.map((m) => [m.work.slug, m.obligation]));
    expect(obligations(await check(file, firmId))).toEqual({ "ledger-tool": "none", maps: "fee" });

    const ngo = await c.org("Mutual Aid", "nonprofit", { headcount: 5, owner: firmOwner });
    await c.use(ngo, [
      { workSlug: "ledger-tool", purpose: "noncommercial", startedOn: "2026-01-01" },
      { workSlug: "maps", purpose: "commercial", startedOn: "2026-01-01" },
    ]);
    const priced = await check(file, ngo.id);
    expect(obligations(priced)).toEqual({ "ledger-tool": "none", maps: "fee" });
    expect(priced.totals).toMatchObject({ worksWithObligation: 1, worksWithoutDeclaredUsage: 0, annualFee: { amountMinor: 12_000 } });
  });
});

describe("the report totals per work", () => {
  it("several versions of one work are one work with one fee", async () => {
    const report = await check(
      lockfile({
        "node_modules/ledger-tool": { version: "2.1.0" },
        "node_modules/a/node_modules/ledger-tool": { version: "2.2.0" },
        "node_modules/b/node_modules/ledger-tool": { version: "1.0.0" },
      }),
      firmId,
    );
    expect(report.matches).toHaveLength(3);
    expect(report.works).toEqual([
      {
        slug: "ledger-tool",
        title: "ledger-tool",
        verification: "verified",
        obligation: "fee",
        versions: 3,
        annualFee: { amountMinor: 60_000, currency: "EUR", formatted: "EUR 600.00" },
        declaredUsage: false,
      },
    ]);
    expect(report.totals).toMatchObject({ works: 1, annualFee: { amountMinor: 60_000 } });
  });
});

describe("entries nobody can identify", () => {
  it("a version that is not a string or a name that is no package name is counted as unidentified, never matched", async () => {
    const npm = await check(
      lockfile({
        "node_modules/ledger-tool": { version: 2 },
        "node_modules/x": { name: "../ledger-tool", version: "2.1.0" },
        "node_modules/y": { name: { evil: true }, version: "2.1.0" },
        "node_modules/z": { name: "ledger-tool", version: "2.1.0", resolved: 7 },
      }),
      firmId,
    );
    expect(npm).toMatchObject({ unidentifiedCount: 4, matches: [] });
    const v1 = await check(JSON.stringify({ lockfileVersion: 1, dependencies: { "ledger-tool": { version: ["2.1.0"] } } }), firmId);
    expect(v1).toMatchObject({ unidentifiedCount: 1, matches: [] });
    const cdx = await check(
      JSON.stringify({
        bomFormat: "CycloneDX",
        specVersion: "1.5",
        components: [
          { name: "ledger-tool", version: { major: 2 }, purl: "pkg:npm/ledger-tool@2.1.0" },
          { name: "ledger-tool", version: "2.1.0", purl: 42 },
        ],
      }),
      firmId,
    );
    expect(cdx).toMatchObject({ unidentifiedCount: 2, matches: [] });
  });
});

describe("the CLI gate", () => {
  let listening: Listening;
  let url: string;
  beforeEach(async () => {
    listening = await listen(h.app);
    url = listening.url;
  });
  afterEach(async () => {
    await listening.close();
  });

  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(root, "bin/reciprocity.js"), "check", ...args, "--server", url], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });
  }

  it("passes unverified works, fails an overdue invoice of a used work, and --strict wants this month's grant", async () => {
    await c.work("react", licensorId, { verified: false });
    const file = join(tempDir(), "package-lock.json");
    writeFileSync(file, lockfile({ "node_modules/ledger-tool": { version: "2.1.0" }, "node_modules/react": { version: "18.2.0" } }));
    const firm = (await api(h).get(`/api/v1/organizations/${firmId}`).set(firmOwner.auth)).body;
    await c.use(firm, { workSlug: "ledger-tool", purpose: "commercial", startedOn: "2026-03-01" });
    const args = [file, "--token", firmOwner.token, "--organization", String(firmId)];
    // Declared, nothing overdue: the gate passes, the unverified work does not fail it.
    const declared = await run(args);
    expect(declared.code, declared.stdout + declared.stderr).toBe(0);
    expect(declared.stdout).toMatch(/react\s+1\s+unverified/);

    h.clock.set("2026-04-02T09:00:00Z");
    await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    h.clock.set("2026-05-10T09:00:00Z");
    const overdue = await run(args);
    expect(overdue.code).toBe(1);
    expect(overdue.stdout).toContain("invoice RCP-2026-000001 (ledger-tool) was due on 2026-05-02");

    await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "gate-1")
      .send({ amount: { amount: "50.00", currency: "EUR" }, paidOn: "2026-05-10", reference: "bank" })
      .expect(201);
    expect((await run(args)).code).toBe(0);
    const strict = await run([...args, "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("--strict: no grant for the current month for ledger-tool");
    // In March, the month the paid invoice granted, --strict passes.
    h.clock.set("2026-03-20T09:00:00Z");
    const granted = await run([...args, "--strict"]);
    expect(granted.code, granted.stdout).toBe(0);
  });

  it("the rule, as a function: undeclared commercial use of a verified work, overdue invoices, --strict grants", () => {
    const match = (obligation: string, declaredUsage: boolean, grantForCurrentMonth: boolean) => ({
      purl: "pkg:npm/x@1.0.0",
      work: { slug: "x", title: "x" },
      obligation,
      licenseChoice: "undeclared",
      declaredUsage,
      grantForCurrentMonth,
    });
    const report = (matches: ReturnType<typeof match>[], overdue = 0) => ({
      format: "npm",
      componentCount: 1,
      organizationId: 1,
      matches,
      overdueInvoices: Array.from({ length: overdue }, () => ({
        number: "RCP-1",
        dueOn: "2026-01-01",
        outstanding: { formatted: "EUR 1.00" },
        workSlugs: ["x"],
      })),
      totals: { works: 1, worksWithObligation: 1, worksWithoutDeclaredUsage: 0 },
    });
    expect(gateFailures(report([match("fee", false, false)]), false)).toHaveLength(1);
    expect(gateFailures(report([match("held", false, false)]), false)).toHaveLength(1);
    expect(gateFailures(report([match("unverified", false, false)]), true)).toEqual([]);
    expect(gateFailures(report([match("none", false, false)]), true)).toEqual([]);
    expect(gateFailures(report([match("fee", true, false)]), false)).toEqual([]);
    expect(gateFailures(report([match("fee", true, false)], 1), false)).toHaveLength(1);
    expect(gateFailures(report([match("fee", true, false)]), true)).toHaveLength(1);
    expect(gateFailures(report([match("fee", true, true)]), true)).toEqual([]);
  });
});
