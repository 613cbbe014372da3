import { createHmac } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { works } from "../../src/db/schema.js";
import { canonicalLicenseText } from "../../src/licenses/recognise-license.js";
import { renderLicense } from "../../src/licenses/render-license.js";
import { api, dumpDatabase, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";
import { FakeGitHub } from "../support/fake-github.js";

const WEBHOOK_SECRET = "webhook-secret-for-tests";
const MAINTAINER_TOKEN = "ghp_maintainer_token_value_1234";
const READONLY_TOKEN = "ghp_readonly_token_value_5678";

let fake: FakeGitHub;
let h: Harness;
let maintainer: TestUser;
let licensorId: number;

beforeAll(async () => {
  fake = await new FakeGitHub().start();
});
afterAll(() => fake.stop());

beforeEach(async () => {
  fake.repos.clear();
  fake.requests.length = 0;
  fake.addUser("ada", MAINTAINER_TOKEN);
  fake.addUser("reader", READONLY_TOKEN);
  h = await makeHarness({
    GITHUB_API_URL: fake.url,
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PUBLIC_URL: "https://commune.example",
    GITHUB_TIMEOUT_MS: 500,
    GITHUB_RETRIES: 1,
  });
  maintainer = await makeUser(h);
  licensorId = (
    await api(h)
      .post("/api/v1/organizations")
      .set(maintainer.auth)
      .send({
        name: "Ledger Coop",
        kind: "worker_cooperative",
        cooperative: {
          jurisdiction: "ES",
          registryNumber: "1",
          bylawsUrl: "https://x.example/b",
          workerOwnerCount: 3,
          distributesAllSurplus: true,
        },
      })
  ).body.id;
});
afterEach(async () => {
  await h.close();
});

const pplFile = () =>
  renderLicense(
    {
      title: "ledger-tool",
      licensorName: "Ledger Coop",
      year: 2025,
      versionRange: null,
      workUrl: "https://elsewhere.example/works/ledger-tool",
    },
    "text",
  );

function addLedgerRepo(license: string | null = pplFile()) {
  return fake.addRepo("coop-dev", "ledger-tool", {
    description: "Double-entry books for cooperatives",
    collaborators: { ada: "admin", reader: "read" },
    files: {
      ...(license === null ? {} : { LICENSE: license }),
      "package.json": JSON.stringify({ name: "@coop/ledger", version: "1.2.0" }),
    },
  });
}

/** Fetches a response body as text whatever its media type. */
const getText = (path: string) =>
  api(h)
    .get(path)
    .buffer(true)
    .parse((res, cb) => {
      let data = "";
      res.on("data", (c: Buffer) => (data += c.toString()));
      res.on("end", () => cb(null, data));
    });

const register = (body: Record<string, unknown>, user: TestUser = maintainer) =>
  api(h)
    .post("/api/v1/works")
    .set(user.auth)
    .send({ licensorOrganizationId: licensorId, ...body });

function sign(body: string): string {
  return `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`;
}

function deliver(event: string, id: string, payload: unknown, signature?: string | null) {
  const body = JSON.stringify(payload);
  const req = api(h)
    .post("/webhooks/github")
    .set("content-type", "application/json")
    .set("x-github-event", event)
    .set("x-github-delivery", id);
  if (signature !== null) req.set("x-hub-signature-256", signature ?? sign(body));
  return req.send(body);
}

describe("registering a GitHub repository end to end", () => {
  it("proves control, recognises the PPL, serves license and badge, opens the pull request once", async () => {
    const repo = addLedgerRepo();
    const res = await register({
      repository: "https://github.com/Coop-Dev/ledger-tool.git",
      githubToken: MAINTAINER_TOKEN,
      versionRange: ">=2.0.0",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      slug: "ledger-tool",
      title: "ledger-tool",
      description: "Double-entry books for cooperatives",
      repository: { url: "https://github.com/coop-dev/ledger-tool", fullName: "coop-dev/ledger-tool", defaultBranch: "main" },
      packages: ["pkg:github/coop-dev/ledger-tool"],
      verification: "verified",
      versionRange: ">=2.0.0",
      license: { state: "ppl", spdxId: "PPL", path: "LICENSE" },
      licenseCheck: { state: "ppl", spdxId: "PPL" },
      suggestedPackages: ["pkg:npm/%40coop/ledger"],
    });
    expect(res.body.licenseCheck.similarityBps).toBeGreaterThanOrEqual(9000);
    // The token was used and never kept.
    expect(fake.requests.some((r) => r.authorization === `token ${MAINTAINER_TOKEN}`)).toBe(true);
    expect(await dumpDatabase(h.db, { ignore: [] })).not.toContain(MAINTAINER_TOKEN);

    const text = await api(h).get("/api/v1/works/ledger-tool/license").expect(200);
    expect(text.headers["content-type"]).toMatch(/^text\/plain/);
    expect(text.text).toContain("ledger-tool\nCopyright (c) 2026 Ledger Coop");
    expect(text.text).toContain("for versions >=2.0.0");
    expect(text.text).toContain(canonicalLicenseText("PPL").slice(0, 200));
    const md = await api(h).get("/api/v1/works/ledger-tool/license?format=markdown").expect(200);
    expect(md.headers["content-type"]).toMatch(/^text\/markdown/);
    const html = await api(h).get("/api/v1/works/ledger-tool/license?format=html").expect(200);
    expect(html.headers["content-type"]).toMatch(/^text\/html/);
    await api(h).get("/api/v1/works/ledger-tool/license?format=pdf").expect(422);

    const badge = await getText("/api/v1/works/ledger-tool/badge.svg").expect(200);
    expect(badge.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(badge.headers["cache-control"]).toContain("max-age=300");
    expect(badge.body).toContain("<title>PPL: verified</title>");

    const pr = await api(h)
      .post("/api/v1/works/ledger-tool/license-pull-request")
      .set(maintainer.auth)
      .send({ githubToken: MAINTAINER_TOKEN });
    expect(pr.status).toBe(201);
    expect(pr.body).toMatchObject({ created: true, pullRequest: { number: 1, state: "open", headRef: "reciprocity/ppl-license" } });
    expect(repo.branches["reciprocity/ppl-license"]!.files.LICENSE).toBe(text.text);
    const again = await api(h)
      .post("/api/v1/works/ledger-tool/license-pull-request")
      .set(maintainer.auth)
      .send({ githubToken: MAINTAINER_TOKEN });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, pullRequest: { number: 1 } });
    expect(repo.pulls).toHaveLength(1);

    const stranger = await makeUser(h);
    await api(h)
      .post("/api/v1/works/ledger-tool/license-pull-request")
      .set(stranger.auth)
      .send({ githubToken: MAINTAINER_TOKEN })
      .expect(403);
  });

  it("recognises another license and a missing one", async () => {
    fake.addRepo("coop-dev", "mit-thing", {
      collaborators: { ada: "maintain" },
      files: { "LICENSE.md": canonicalLicenseText("MIT").replace("<year>", "2024").replace("<copyright holders>", "Someone") },
    });
    const mit = await register({ repository: "github.com/coop-dev/mit-thing", githubToken: MAINTAINER_TOKEN });
    expect(mit.status).toBe(201);
    expect(mit.body.license).toMatchObject({ state: "other", spdxId: "MIT", path: "LICENSE.md" });
    const badge = await getText(`/api/v1/works/${mit.body.slug}/badge.svg`);
    expect(badge.body).toContain("license changed");
    fake.addRepo("coop-dev", "bare", { collaborators: { ada: "admin" } });
    const bare = await register({ repository: "git@github.com:coop-dev/bare.git", githubToken: MAINTAINER_TOKEN });
    expect(bare.status).toBe(201);
    expect(bare.body.license).toMatchObject({ state: "missing", spdxId: null });
    expect(bare.body.suggestedPackages).toEqual([]);
  });
});

describe("control proof without a permissions field", () => {
  it("asks the collaborator-permission endpoint: maintain passes, write does not", async () => {
    fake.addUser("wes", "ghp_writer_token_value_9999");
    fake.addRepo("coop-dev", "quiet", { omitPermissions: true, collaborators: { ada: "maintain", wes: "write" } });
    const refused = await register({ repository: "https://github.com/coop-dev/quiet", githubToken: "ghp_writer_token_value_9999" });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("github_permission_denied");
    const ok = await register({ repository: "https://github.com/coop-dev/quiet", githubToken: MAINTAINER_TOKEN });
    expect(ok.status).toBe(201);
    expect(fake.requests.some((r) => r.path === "/repos/coop-dev/quiet/collaborators/ada/permission")).toBe(true);
  });
});

describe("GitHub failures save nothing", () => {
  const cases: [string, () => void, Record<string, unknown>, number, string][] = [
    ["read-only permission", () => addLedgerRepo(), { githubToken: READONLY_TOKEN }, 403, "github_permission_denied"],
    ["a bad token", () => addLedgerRepo(), { githubToken: "ghp_not_a_real_token" }, 403, "github_token_invalid"],
    ["an unknown repository", () => {}, { githubToken: MAINTAINER_TOKEN }, 422, "validation_failed"],
    [
      "GitHub down",
      () => (addLedgerRepo(), fake.failNext("server_error", 2)),
      { githubToken: MAINTAINER_TOKEN },
      502,
      "github_unavailable",
    ],
    ["GitHub slow", () => (addLedgerRepo(), fake.failNext("slow", 2)), { githubToken: MAINTAINER_TOKEN }, 502, "github_unavailable"],
    [
      "rate limiting",
      () => (addLedgerRepo(), fake.failNext("rate_limit", 1)),
      { githubToken: MAINTAINER_TOKEN },
      503,
      "github_rate_limited",
    ],
  ];
  for (const [name, arrange, body, status, code] of cases) {
    it(name, async () => {
      arrange();
      const before = await dumpDatabase(h.db);
      const res = await register({ repository: "https://github.com/coop-dev/ledger-tool", ...body });
      expect(res.status).toBe(status);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe(code);
      expect(JSON.stringify(res.body)).not.toContain(String(body.githubToken));
      if (code === "github_rate_limited") expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect(await dumpDatabase(h.db)).toBe(before);
    });
  }

  it("recovers when GitHub fails once (bounded retry)", async () => {
    addLedgerRepo();
    fake.failNext("server_error", 1);
    const res = await register({ repository: "https://github.com/coop-dev/ledger-tool", githubToken: MAINTAINER_TOKEN });
    expect(res.status).toBe(201);
  });
});

describe("bad input", () => {
  const bad: [string, Record<string, unknown>, string][] = [
    ["a malformed repository URL", { repository: "https://github.com/only-owner" }, "/repository"],
    ["an unknown host", { repository: "https://nohost/owner/repo" }, "/repository"],
    ["a non-URL", { repository: "not a url at all" }, "/repository"],
    ["a repository owner of ..", { repository: "git@github.com:../ledger-tool.git", githubToken: "t" }, "/repository"],
    ["a repository name of ...", { repository: "git@github.com:coop-dev/....git", githubToken: "t" }, "/repository"],
    ["a malformed purl", { packages: ["npm/left-pad"] }, "/packages/0"],
    ["a purl with a version", { packages: ["pkg:npm/left-pad@1.0.0"] }, "/packages/0"],
    ["a version range that is not semver", { packages: ["pkg:npm/left-pad"], versionRange: "version two" }, "/versionRange"],
    ["nothing to register", {}, "/repository"],
    ["a GitHub repository without a token", { repository: "https://github.com/coop-dev/ledger-tool" }, "/githubToken"],
    [
      "a licensor the user does not belong to",
      { packages: ["pkg:npm/left-pad"], licensorOrganizationId: 99999 },
      "/licensorOrganizationId",
    ],
  ];
  for (const [name, body, path] of bad) {
    it(name, async () => {
      const before = await dumpDatabase(h.db);
      const res = await register(body);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect(await dumpDatabase(h.db)).toBe(before);
    });
  }

  it("duplicate registration and a purl claimed by another work are 409", async () => {
    addLedgerRepo();
    await register({ repository: "https://github.com/coop-dev/ledger-tool", githubToken: MAINTAINER_TOKEN }).expect(201);
    const before = await dumpDatabase(h.db);
    const dup = await register({ repository: "https://github.com/COOP-DEV/Ledger-Tool", githubToken: MAINTAINER_TOKEN });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("duplicate_work");
    const purl = await register({ packages: ["pkg:github/coop-dev/ledger-tool"] });
    expect(purl.status).toBe(409);
    expect(purl.body.code).toBe("purl_taken");
    expect(await dumpDatabase(h.db)).toBe(before);
  });
});

describe("works registered by purl or on other hosts", () => {
  it("are unverified, need no GitHub, and appear in the searchable, paginated registry", async () => {
    const a = await register({ packages: ["pkg:npm/%40Coop/Left-Pad", "pkg:npm/right-pad"], title: "Padding tools" });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      slug: "padding-tools",
      verification: "unverified",
      repository: null,
      packages: ["pkg:npm/%40coop/left-pad", "pkg:npm/right-pad"],
      license: { state: "unknown" },
    });
    const b = await register({ repository: "https://gitlab.com/coops/thing" });
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ verification: "unverified", repository: { url: "https://gitlab.com/coops/thing" } });
    expect(fake.requests).toEqual([]);
    for (let i = 0; i < 3; i++) await register({ packages: [`pkg:pypi/tool-${i}`] }).expect(201);

    // Cursor pages: follow `next` (and the Link header) to the end; every work once, in order.
    const seen: string[] = [];
    let url: string | null = "/api/v1/works?limit=2";
    const pages: number[] = [];
    while (url) {
      const page = await api(h)
        .get(url.replace(/^https?:\/\/[^/]+/, ""))
        .expect(200);
      pages.push(page.body.works.length);
      seen.push(...page.body.works.map((w: { slug: string }) => w.slug));
      if (page.body.next) expect(page.headers.link).toBe(`<${page.body.next}>; rel="next"`);
      url = page.body.next as string | null;
    }
    expect(pages).toEqual([2, 2, 1]);
    const everything = (await api(h).get("/api/v1/works?limit=200").expect(200)).body;
    expect(seen).toEqual(everything.works.map((w: { slug: string }) => w.slug));
    expect(everything.next).toBeNull();
    const found = await api(h).get("/api/v1/works?q=right-pad").expect(200);
    expect(found.body.works.map((w: { slug: string }) => w.slug)).toEqual(["padding-tools"]);
    const none = await api(h).get("/api/v1/works?q=zzz_nothing").expect(200);
    expect(none.body).toEqual({ works: [], next: null });
    const bad = await api(h).get("/api/v1/works?cursor=not-a-cursor").expect(400);
    expect(bad.body.errors).toEqual([{ path: "/query/cursor", message: "is not a cursor this list gave out" }]);
    await api(h).get("/api/v1/works/nope").expect(404);
    await api(h).get("/api/v1/works?limit=1000").expect(422);
  });
});

describe("GitHub webhooks", () => {
  async function registered() {
    const repo = addLedgerRepo();
    await register({ repository: "https://github.com/coop-dev/ledger-tool", githubToken: MAINTAINER_TOKEN }).expect(201);
    return repo;
  }

  it("refuses missing and bad signatures before parsing, and oversized payloads", async () => {
    await registered();
    const before = await dumpDatabase(h.db);
    const unsigned = await deliver("push", "d-1", { ref: "refs/heads/main" }, null);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.code).toBe("invalid_signature");
    const bad = await deliver("push", "d-2", { ref: "refs/heads/main" }, "sha256=" + "0".repeat(64));
    expect(bad.status).toBe(401);
    const garbage = await api(h)
      .post("/webhooks/github")
      .set("x-github-event", "push")
      .set("x-github-delivery", "d-3")
      .set("x-hub-signature-256", "sha256=00")
      .send("{not json");
    expect(garbage.status).toBe(401);
    const huge = "x".repeat(6 * 1024 * 1024);
    const big = await api(h)
      .post("/webhooks/github")
      .set("content-type", "application/json")
      .set("x-github-event", "push")
      .set("x-github-delivery", "d-4")
      .set("x-hub-signature-256", sign(huge))
      .send(huge);
    expect(big.status).toBe(413);
    expect(await dumpDatabase(h.db)).toBe(before);
  });

  it("a push that changes the license flags the work; a redelivery changes nothing", async () => {
    const repo = await registered();
    repo.branches.main!.files.LICENSE = canonicalLicenseText("Apache-2.0");
    const payload = {
      ref: "refs/heads/main",
      repository: { id: repo.id, full_name: "coop-dev/ledger-tool" },
      commits: [{ added: [], modified: ["LICENSE"], removed: [] }],
    };
    const res = await deliver("push", "push-1", payload);
    expect(res.status).toBe(202);
    expect(res.body.outcome).toBe("license_rechecked");
    const [work] = await h.db.select().from(works).where(eq(works.slug, "ledger-tool"));
    expect(work).toMatchObject({ licenseState: "other", licenseSpdxId: "Apache-2.0" });
    expect((await getText("/api/v1/works/ledger-tool/badge.svg")).body).toContain("license changed");
    const snapshot = await dumpDatabase(h.db);
    const replay = await deliver("push", "push-1", payload);
    expect(replay.status).toBe(200);
    expect(replay.body.outcome).toBe("duplicate");
    expect(await dumpDatabase(h.db)).toBe(snapshot);
    const unrelated = await deliver("push", "push-2", { ...payload, commits: [{ modified: ["README.md"] }] });
    expect(unrelated.body.outcome).toBe("ignored");
  });

  it("refuses a replayed body under a new delivery id; the HMAC is over the raw bytes", async () => {
    const repo = await registered();
    const payload = {
      ref: "refs/heads/main",
      repository: { id: repo.id, full_name: "coop-dev/ledger-tool" },
      commits: [{ modified: ["README.md"] }],
    };
    expect((await deliver("push", "orig-1", payload)).status).toBe(202);
    const snapshot = await dumpDatabase(h.db);
    const replayed = await deliver("push", "new-id-2", payload);
    expect(replayed.status).toBe(409);
    expect(replayed.body.code).toBe("webhook_replayed");
    expect(await dumpDatabase(h.db)).toBe(snapshot);
    // GitHub's own redelivery keeps its id: acknowledged, nothing applied.
    expect((await deliver("push", "orig-1", payload)).body.outcome).toBe("duplicate");
    // A body that is not UTF-8: signed over its bytes it verifies (then fails as JSON); signed over the
    // replacement-character string a lossy decoding would give, it does not.
    const raw = Buffer.concat([Buffer.from('{"zen":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const send = (signature: string) =>
      api(h)
        .post("/webhooks/github")
        .set("content-type", "application/octet-stream") // superagent would serialize a Buffer sent as JSON
        .set("x-github-event", "ping")
        .set("x-github-delivery", "raw-1")
        .set("x-hub-signature-256", signature)
        .send(raw);
    expect((await send(sign(raw.toString("utf8")))).status).toBe(401);
    const overBytes = await send(`sha256=${createHmac("sha256", WEBHOOK_SECRET).update(raw).digest("hex")}`);
    expect(overBytes.status).toBe(400);
    expect(overBytes.body.code).toBe("malformed_json");
  });

  it("reads odd shapes as absent fields: commits [null], ref {}, an id that is not a number", async () => {
    await registered();
    for (const [i, payload] of [
      { ref: {}, commits: [null] },
      { repository: { id: {} } },
      { repository: { full_name: 7 }, head_commit: [] },
    ].entries()) {
      const res = await deliver("push", `odd-${i}`, payload);
      expect(res.status, JSON.stringify(payload)).toBe(202);
      expect(res.body.outcome).toBe("ignored");
    }
  });

  it("a work with a registered repository: signed pushes of odd shapes and renames to `..` or over-long names leave it unchanged", async () => {
    const repo = await registered();
    const unchanged = () => dumpDatabase(h.db, { ignore: ["api_tokens", "webhook_deliveries"] });
    const before = await unchanged();
    const self = { id: repo.id, full_name: "coop-dev/ledger-tool" };
    let n = 0;
    for (const payload of [
      { ref: {}, commits: [null], repository: self },
      { ref: "refs/heads/main", commits: [null], repository: self },
      { ref: "refs/heads/main", commits: [null], head_commit: [], repository: { id: repo.id, full_name: 5 } },
      { ref: {}, commits: [{ modified: ["LICENSE"] }], repository: { id: repo.id, full_name: 5 } },
    ]) {
      const res = await deliver("push", `odd-push-${++n}`, payload);
      expect(res.status, JSON.stringify(payload)).toBe(202);
      expect(res.body.outcome, JSON.stringify(payload)).toBe("ignored");
    }
    // Found by its id whatever full_name holds: the license is read again, the same.
    const recheck = await deliver("push", "odd-push-recheck", {
      ref: "refs/heads/main",
      commits: [null, { modified: ["LICENSE"] }],
      repository: { id: repo.id, full_name: 5 },
    });
    expect(recheck.status).toBe(202);
    expect(recheck.body.outcome).toBe("license_unchanged");
    for (const fullName of [
      "..",
      "../..",
      "coop-dev/..",
      "../coop-dev/books",
      "coop-dev/./books",
      "coop-dev/books.git",
      `coop-dev/${"b".repeat(101)}`,
      "x/".repeat(600),
    ]) {
      for (const action of ["renamed", "transferred"]) {
        const res = await deliver("repository", `odd-rename-${++n}`, {
          action,
          repository: { id: repo.id, full_name: fullName, default_branch: "main" },
          changes: { repository: { name: { from: "ledger-tool" } } },
        });
        expect(res.status, fullName).toBe(202);
        expect(res.body.outcome, `${action} to ${fullName}`).toBe("ignored");
      }
    }
    expect(await unchanged()).toBe(before);
    const work = (await api(h).get("/api/v1/works/ledger-tool").expect(200)).body;
    expect(work.repository).toMatchObject({ fullName: "coop-dev/ledger-tool", url: "https://github.com/coop-dev/ledger-tool" });
  });

  it("renamed and transferred repositories update the work", async () => {
    const repo = await registered();
    fake.renameRepo(repo, "coop-dev", "books");
    const renamed = await deliver("repository", "r-1", {
      action: "renamed",
      repository: { id: repo.id, full_name: "coop-dev/books", default_branch: "main" },
      changes: { repository: { name: { from: "ledger-tool" } } },
    });
    expect(renamed.body.outcome).toBe("repository_updated");
    let work = (await api(h).get("/api/v1/works/ledger-tool").expect(200)).body;
    expect(work.repository).toMatchObject({ fullName: "coop-dev/books", url: "https://github.com/coop-dev/books" });
    expect(work.packages).toEqual(["pkg:github/coop-dev/books"]);
    fake.renameRepo(repo, "commune", "books");
    await deliver("repository", "r-2", {
      action: "transferred",
      repository: { id: repo.id, full_name: "commune/books" },
      changes: { owner: { from: { user: { login: "coop-dev" } } } },
    });
    work = (await api(h).get("/api/v1/works/ledger-tool").expect(200)).body;
    expect(work.repository.fullName).toBe("commune/books");
  });
});

describe("usage discovery through forks", () => {
  it("attributes fork owners to organizations through their GitHub logins; unknown owners are listed for treasurers", async () => {
    fake.addRepo("coop-dev", "ledger-tool", {
      collaborators: { ada: "admin" },
      files: { LICENSE: pplFile() },
      forks: [
        { owner: "AcmeCorp", name: "ledger-tool" },
        { owner: "someone", name: "ledger-fork" },
      ],
    });
    await register({ repository: "https://github.com/coop-dev/ledger-tool", githubToken: MAINTAINER_TOKEN }).expect(201);
    const firm = await makeUser(h);
    const acme = (
      await api(h)
        .post("/api/v1/organizations")
        .set(firm.auth)
        .send({ name: "Acme", kind: "commercial", githubLogins: ["acmecorp"] })
    ).body;
    const res = await api(h).post("/api/v1/works/ledger-tool/forks/discover").set(maintainer.auth).expect(200);
    expect(res.body).toEqual({
      truncated: false,
      forks: [
        {
          fullName: "AcmeCorp/ledger-tool",
          ownerLogin: "acmecorp",
          organization: { id: acme.id, name: "Acme" },
          seenAt: expect.any(String),
        },
        { fullName: "someone/ledger-fork", ownerLogin: "someone", organization: null, seenAt: expect.any(String) },
      ],
    });
    const treasurer = await makeUser(h, { treasurer: true });
    const unknown = await api(h).get("/api/v1/forks/unattributed").set(treasurer.auth).expect(200);
    expect(unknown.body.owners).toEqual([{ login: "someone", forks: [{ fullName: "someone/ledger-fork", workSlug: "ledger-tool" }] }]);
    await api(h).get("/api/v1/forks/unattributed").set(firm.auth).expect(403);
    await api(h).get("/api/v1/works/ledger-tool/forks").set(firm.auth).expect(403);
  });

  it("is bounded: at most ten pages of a hundred forks", async () => {
    fake.addRepo("coop-dev", "popular", {
      collaborators: { ada: "admin" },
      forks: Array.from({ length: 1050 }, (_, i) => ({ owner: `user${i}`, name: "popular" })),
    });
    await register({ repository: "https://github.com/coop-dev/popular", githubToken: MAINTAINER_TOKEN }).expect(201);
    const res = await api(h).post("/api/v1/works/popular/forks/discover").set(maintainer.auth).expect(200);
    expect(res.body.forks).toHaveLength(1000);
    expect(res.body.truncated).toBe(true);
  });
});

describe("license texts (golden files)", () => {
  const view = {
    title: "ledger-tool",
    licensorName: "Ledger Coop",
    year: 2026,
    versionRange: ">=2.0.0",
    workUrl: "https://commune.example/works/ledger-tool",
  };
  for (const [format, ext] of [
    ["text", "txt"],
    ["markdown", "md"],
    ["html", "html"],
  ] as const) {
    it(`renders ${format} as pinned`, () => {
      const file = join(import.meta.dirname, "../golden", `license.${ext}`);
      const actual = renderLicense(view, format);
      // Golden files change only on purpose: UPDATE_GOLDEN=1 npm test rewrites them.
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
      expect(existsSync(file), `${file} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
      expect(actual).toBe(readFileSync(file, "utf8"));
    });
  }
});

describe("markdown LICENSE", () => {
  it("escapes names: an organization or title cannot inject links, HTML or new blocks", () => {
    const md = renderLicense(
      {
        title: "Tool *bold* `code` # x\n\n# Fake heading",
        licensorName: "[Pay here](https://evil.example) <img src=x onerror=alert(1)> & Co_ltd ~~x~~ | a",
        year: 2026,
        versionRange: ">=1 `x`",
        workUrl: "https://commune.example/works/tool",
      },
      "markdown",
    );
    const header = md.split("---")[0]!;
    expect(header).not.toMatch(/(^|[^\\])\[Pay here/);
    expect(header).not.toMatch(/(^|[^\\])<img/);
    expect(header).not.toMatch(/^# Fake heading/m);
    expect(header).toContain("\\[Pay here\\]\\(https://evil.example\\)");
    expect(header).toContain("\\<img src=x onerror=alert\\(1\\)\\> \\& Co\\_ltd \\~\\~x\\~\\~ \\| a");
    expect(header).toContain("# Tool \\*bold\\* \\`code\\` \\# x \\# Fake heading\n");
    expect(header).toContain("for versions `>=1  x `");
    // The plain text keeps names as they are.
    expect(
      renderLicense({ title: "A_b", licensorName: "C*d", year: 2026, versionRange: null, workUrl: "https://x.example/w" }, "text"),
    ).toContain("C*d");
  });
});
