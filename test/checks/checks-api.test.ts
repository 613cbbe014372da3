import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, dumpDatabase, makeHarness, makeUser, tempDir, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { listen, type Listening } from "../support/listen.js";
import { execute } from "../../src/db/sql.js";

const root = join(import.meta.dirname, "../..");
let h: Harness;
let c: Commune;
let firmOwner: TestUser;
let firmId: number;

const lockfile = (extra: Record<string, object> = {}) =>
  JSON.stringify({
    name: "app",
    lockfileVersion: 3,
    packages: {
      "": { name: "app" },
      "node_modules/ledger-tool": { version: "2.1.0" },
      "node_modules/left-pad": { version: "1.3.0", license: "MIT OR PPL" },
      "node_modules/old-lib": { version: "1.0.0" },
      "node_modules/unrelated": { version: "9.9.9" },
      ...extra,
    },
  });

beforeEach(async () => {
  h = await makeHarness({ CHECK_RATE_LIMIT_PER_MINUTE: 3, MAX_UPLOAD_BYTES: 2 * 1024 * 1024 });
  c = await Commune.create(h);
  const licensor = await c.org("Commons", "nonprofit");
  await c.work("ledger-tool", licensor.id);
  await c.work("left-pad", licensor.id);
  const old = await c.work("old-lib", licensor.id);
  await h.db.transaction(async (tx) => execute(tx, sql`update works set version_range = '>=2.0.0' where id = ${old.id}`));
  firmOwner = await makeUser(h);
  firmId = (await c.org("Acme", "commercial", { headcount: 20, owner: firmOwner })).id;
});
afterEach(async () => {
  await h.close();
});

const post = (body: string | Buffer, query = "", user?: TestUser) => {
  const req = api(h).post(`/api/v1/checks${query}`).set("content-type", "application/json");
  if (user) req.set(user.auth);
  return req.send(body);
};

describe("POST /checks", () => {
  it("anonymously: each match once with the fee for every headcount band", async () => {
    const res = await post(lockfile({ "node_modules/a/node_modules/ledger-tool": { version: "2.1.0" } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: "npm", componentCount: 4, organizationId: null, checkId: null });
    expect(res.body.matches).toEqual([
      {
        purl: "pkg:npm/ledger-tool@2.1.0",
        work: { slug: "ledger-tool", title: "ledger-tool", license: "PPL", verification: "verified" },
        obligation: "unpriced",
        licenseChoice: "undeclared",
        declaredLicense: null,
      },
      {
        purl: "pkg:npm/left-pad@1.3.0",
        work: { slug: "left-pad", title: "left-pad", license: "PPL", verification: "verified" },
        obligation: "none",
        licenseChoice: "non_ppl_alternative",
        declaredLicense: "MIT OR PPL",
      },
    ]);
    expect(res.body.totals.annualFeeByBand.map((b: { annualFee: { formatted: string } }) => b.annualFee.formatted)).toEqual([
      "EUR 120.00",
      "EUR 600.00",
      "EUR 2,400.00",
      "EUR 9,600.00",
      "EUR 24,000.00",
    ]);
  });

  it("for an organization: its obligation and annual fee, kept as a check it can turn into usages", async () => {
    const res = await post(lockfile(), `?organizationId=${firmId}`, firmOwner);
    expect(res.status).toBe(200);
    expect(
      res.body.matches.map((m: { purl: string; obligation: string; annualFee?: { formatted: string }; declaredUsage: boolean }) => [
        m.purl,
        m.obligation,
        m.annualFee?.formatted,
        m.declaredUsage,
      ]),
    ).toEqual([
      ["pkg:npm/ledger-tool@2.1.0", "fee", "EUR 600.00", false],
      ["pkg:npm/left-pad@1.3.0", "none", undefined, false],
    ]);
    expect(res.body.totals).toMatchObject({
      works: 2,
      worksWithObligation: 1,
      worksWithoutDeclaredUsage: 1,
      annualFee: { amountMinor: 60_000 },
    });
    const usages = await api(h)
      .post(`/api/v1/organizations/${firmId}/checks/${res.body.checkId}/usages`)
      .set(firmOwner.auth)
      .send({ purpose: "commercial", startedOn: "2026-03-01" });
    expect(usages.status).toBe(201);
    expect(usages.body.created.map((u: { workSlug: string; obligation: string }) => [u.workSlug, u.obligation])).toEqual([
      ["ledger-tool", "fee"],
    ]);
    const again = await api(h)
      .post(`/api/v1/organizations/${firmId}/checks/${res.body.checkId}/usages`)
      .set(firmOwner.auth)
      .send({ purpose: "commercial", startedOn: "2026-03-01" });
    expect(again.body).toEqual({ created: [], alreadyDeclared: 1 });
    const recheck = await post(lockfile(), `?organizationId=${firmId}`, firmOwner);
    expect(recheck.body.totals.worksWithoutDeclaredUsage).toBe(0);
  });

  it("a pending cooperative is held, a verified one owes nothing", async () => {
    const pending = await c.org("Pending Coop", "worker_cooperative", { owner: firmOwner });
    expect((await post(lockfile(), `?organizationId=${pending.id}`, firmOwner)).body.matches[0].obligation).toBe("held");
    await c.verify(pending.id, "verified");
    expect((await post(lockfile(), `?organizationId=${pending.id}`, firmOwner)).body.matches[0].obligation).toBe("none");
  });

  it("another organization's pricing is not for strangers", async () => {
    const stranger = await makeUser(h);
    expect((await post(lockfile(), `?organizationId=${firmId}`, stranger)).status).toBe(404);
    expect((await post(lockfile(), `?organizationId=${firmId}`)).status).toBe(401);
  });

  it("accepts gzip bodies and any media type; refuses unknown formats (415) and oversized uploads (413) without saving anything", async () => {
    const gz = await api(h)
      .post("/api/v1/checks")
      .set("content-type", "application/octet-stream")
      .set("content-encoding", "gzip")
      .send(gzipSync(lockfile()));
    expect(gz.status).toBe(200);
    expect(gz.body.matches).toHaveLength(2);
    const before = await dumpDatabase(h.db);
    const unknown = await api(h).post("/api/v1/checks").set(firmOwner.auth).set("content-type", "text/plain").send("just some text");
    expect(unknown.status).toBe(415);
    expect(unknown.body.code).toBe("unsupported_lockfile");
    expect(unknown.body.detail).toContain("CycloneDX");
    const big = await post(
      lockfile({ "node_modules/x": { version: "1.0.0", description: "y".repeat(3 * 1024 * 1024) } }),
      `?organizationId=${firmId}`,
      firmOwner,
    );
    expect(big.status).toBe(413);
    const bomb = await api(h)
      .post("/api/v1/checks")
      .set(firmOwner.auth)
      .set("content-type", "application/octet-stream")
      .set("content-encoding", "gzip")
      .send(gzipSync(Buffer.alloc(50 * 1024 * 1024, 32)));
    expect(bomb.status).toBe(413);
    const corrupt = await api(h)
      .post("/api/v1/checks")
      .set(firmOwner.auth)
      .set("content-type", "application/octet-stream")
      .set("content-encoding", "gzip")
      .send(Buffer.from("not gzip at all"));
    expect(corrupt.status).toBe(400);
    expect(await dumpDatabase(h.db)).toBe(before);
  });

  it("rate-limits anonymous checks, not signed-in ones", async () => {
    for (let i = 0; i < 3; i++) expect((await post(lockfile())).status).toBe(200);
    const limited = await post(lockfile());
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    expect((await post(lockfile(), "", firmOwner)).status).toBe(200);
  });
});

describe("reciprocity check (CLI)", () => {
  let listening: Listening;
  let url: string;
  beforeEach(async () => {
    listening = await listen(h.app);
    url = listening.url;
  });
  afterEach(async () => {
    await listening.close();
  });

  function run(args: string[], command = "check"): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(root, "bin/reciprocity.js"), command, ...args, "--server", url], {
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

  it("exits 1 on unmet obligations, 0 once the usage is declared, 2 on error; --json prints the report", async () => {
    const file = join(tempDir(), "package-lock.json");
    writeFileSync(file, lockfile());
    const owed = await run([file, "--token", firmOwner.token, "--organization", String(firmId)]);
    expect(owed.code).toBe(1);
    expect(owed.stdout).toContain("pkg:npm/ledger-tool@2.1.0");
    expect(owed.stdout).toContain("estimated annual fee: EUR 600.00");
    expect(owed.stdout).toContain("1 package(s) carry a commercial obligation");

    const json = await run([file, "--token", firmOwner.token, "--organization", String(firmId), "--json"]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    await api(h)
      .post(`/api/v1/organizations/${firmId}/checks/${report.checkId}/usages`)
      .set(firmOwner.auth)
      .send({ purpose: "commercial", startedOn: "2026-03-01" })
      .expect(201);
    const ok = await run([file, "--token", firmOwner.token, "--organization", String(firmId)]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("ok: no unmet commercial obligations");

    const bad = join(tempDir(), "notes.txt");
    writeFileSync(bad, "not a lockfile");
    const refused = await run([bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("unsupported_lockfile");
    expect((await run([join(tempDir(), "missing.json")])).code).toBe(2);
  });

  it("reciprocity license prints a work's LICENSE", async () => {
    const printed = await run(["ledger-tool"], "license");
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain("ledger-tool\nCopyright (c) 2026 Commons");
    expect(printed.stdout).toContain("Peer Production License");
    const missing = await run(["no-such-work"], "license");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("404");
  });
});
