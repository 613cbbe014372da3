// Nothing a client sends earns a 500: seeded random input to every write route of the OpenAPI document, to
// every web form, as multipart uploads, as signed webhooks of odd shapes, and as lockfiles of every format.
import { createHmac } from "node:crypto";
import fc from "fast-check";
import request from "supertest";
import type { Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, dumpDatabase, makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";

const WEBHOOK_SECRET = "fuzz-webhook-secret";
const SEED = 1111;
let h: Harness;
let treasurer: TestUser;
const routes: { method: "post" | "put" | "delete"; path: string }[] = [];

beforeAll(async () => {
  h = await makeHarness({
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    CHECK_RATE_LIMIT_PER_MINUTE: 100_000,
    LOGIN_RATE_LIMIT_PER_MINUTE: 100_000,
  });
  treasurer = await makeUser(h, { treasurer: true, passwordHash: await passwordHashFor("a long password") });
  const c = await Commune.create(h, treasurer);
  const licensor = await c.org("Commons", "worker_cooperative");
  await c.work("tool", licensor.id);
  const doc = (await api(h).get("/api/v1/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) if (method === "post" || method === "put" || method === "delete") routes.push({ method, path });
  }
});
afterAll(async () => {
  await h.close();
});

const below500 = (res: { status: number; text: string }, what: string) =>
  expect(res.status, `${what} → ${res.text.slice(0, 300)}`).toBeLessThan(500);

/** Strings that have broken parsers before: bad escapes, dots, nulls, very long text, odd unicode. */
const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    "%",
    "%zz",
    "%E0%A4%A",
    "..",
    "../..",
    "\u0000",
    "\ud800",
    "a".repeat(5000),
    "9".repeat(40),
    "-1",
    "1e308",
    "__proto__",
    "constructor",
  ),
);

describe("random API request bodies", () => {
  it("never get a 500 from any write route", async () => {
    expect(routes.length).toBeGreaterThan(15);
    const params = fc.constantFrom("1", "tool", "RCP-2026-000001", "999999", "x", "4294967296", "..");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), params, fc.jsonValue({ maxDepth: 3 }), async (route, param, body) => {
        const url = `/api/v1${route.path.replace(/\{\w+\}/g, encodeURIComponent(param))}`;
        const client = api(h);
        const req = route.method === "post" ? client.post(url) : route.method === "put" ? client.put(url) : client.delete(url);
        const res = await req
          .set(treasurer.auth)
          .set("Idempotency-Key", "fuzz")
          .set("content-type", "application/json")
          .send(JSON.stringify(body));
        below500(res, `${route.method.toUpperCase()} ${url} ${JSON.stringify(body)}`);
      }),
      { numRuns: 200, seed: SEED },
    );
  });
});

/** The web app's POST routes, read from express's router (`:id` style paths). */
function webPostPaths(app: Express): string[] {
  type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const found = new Set<string>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === "string" && layer.route.methods.post) found.add(layer.route.path);
      if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...found].filter((p) => !p.startsWith("/api/") && !p.startsWith("/webhooks/"));
}

describe("random web forms", () => {
  it("never get a 500, with repeated, over-long and odd fields, signed in and not", async () => {
    const paths = webPostPaths(h.app);
    expect(paths).toContain("/login");
    expect(paths).toContain("/check");
    const signedIn = request.agent(h.app);
    const anonymous = request.agent(h.app);
    const tokenOf = async (agent: ReturnType<typeof request.agent>) =>
      /name="_csrf" value="([^"]+)"/.exec((await agent.get("/login")).text)![1]!;
    const anonToken = await tokenOf(anonymous);
    const loginToken = await tokenOf(signedIn); // before the POST is built: the agent sends the cookies it has then
    await signedIn.post("/login").type("form").send({ _csrf: loginToken, email: treasurer.email, password: "a long password" }).expect(303);
    const signedToken = await tokenOf(signedIn);
    const field = fc.constantFrom("email", "password", "next", "name", "title", "organizationId", "amount", "currency", "reason", "q", "x");
    const value = fc.oneof(nasty, fc.array(nasty, { minLength: 2, maxLength: 3 }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom("1", "tool", "x", "4294967296", "RCP-2026-000001", ".."),
        fc.dictionary(field, value, { maxKeys: 5 }),
        fc.boolean(),
        async (path, param, fields, asTreasurer) => {
          const url = path.replace(/:\w+/g, encodeURIComponent(param));
          const [agent, token] = asTreasurer ? [signedIn, signedToken] : [anonymous, anonToken];
          const form = new URLSearchParams();
          form.append("_csrf", token);
          for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
          const res = await agent.post(url).type("form").send(form.toString());
          below500(res, `POST ${url} ${form.toString().slice(0, 300)}`);
        },
      ),
      { numRuns: 150, seed: SEED },
    );
    // The known holes, by name.
    const repeated = await anonymous.post("/login").type("form").send(`_csrf=${anonToken}&email=a@b.c&email=d@e.f&password=x`);
    expect(repeated.status).toBe(422);
    const long = await anonymous
      .post("/login")
      .type("form")
      .send({ _csrf: anonToken, email: "a".repeat(300), password: "x" });
    expect(long.status).toBe(422);
  });
});

describe("multipart uploads", () => {
  const boundary = "----fuzzboundary";
  const part = fc.record({
    name: fc.constantFrom("lockfile", "organizationId", "_csrf", "other", ""),
    filename: fc.option(fc.constantFrom("package-lock.json", "yarn.lock", "", "../../x", "a\u0000b")),
    content: fc.oneof(nasty, fc.constant('{"lockfileVersion":3,"packages":{}}')),
  });
  const bodyOf = (parts: { name: string; filename: string | null; content: string }[], cut: number, closing: boolean) => {
    const text =
      parts
        .map(
          (p) =>
            `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === null ? "" : `; filename="${p.filename}"`}\r\n\r\n${p.content}\r\n`,
        )
        .join("") + (closing ? `--${boundary}--\r\n` : "");
    return cut > 0 ? text.slice(0, Math.max(0, text.length - cut)) : text;
  };

  it("never get a 500 on the web /check and the API, malformed or not", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(part, { maxLength: 14 }),
        fc.nat({ max: 40 }),
        fc.boolean(),
        fc.constantFrom(
          `multipart/form-data; boundary=${boundary}`,
          "multipart/form-data",
          "multipart/form-data; boundary=",
          "multipart/mixed; boundary=x",
        ),
        fc.constantFrom("/check", "/api/v1/checks"),
        async (parts, cut, closing, contentType, url) => {
          const res = await api(h)
            .post(url)
            .set("content-type", contentType)
            .send(bodyOf(parts, cut, closing));
          below500(res, `POST ${url} (${contentType}) ${parts.length} parts, cut ${cut}`);
        },
      ),
      { numRuns: 120, seed: SEED },
    );
  });
});

describe("the web /check form with a valid CSRF token", () => {
  it("repeated organizationId parts, repeated files and over-long fields: a 4xx page, never 500, nothing written", async () => {
    const lock = Buffer.from('{"name":"app","lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/tool":{"version":"1.0.0"}}}');
    const agent = request.agent(h.app);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get("/check").expect(200)).text)![1]!;
    // Another way of checking counts its hits; what a refused form must not write is everything else.
    const state = () => dumpDatabase(h.db, { ignore: ["api_tokens", "rate_limit_counters"] });
    const before = await state();
    const form = () => agent.post("/check").set("accept", "text/html").field("_csrf", csrf);
    const refused: [string, Promise<{ status: number; text: string; headers: Record<string, string> }>, number][] = [
      [
        "repeated organizationId",
        form().field("organizationId", "1").field("organizationId", "2").attach("lockfile", lock, "package-lock.json"),
        422,
      ],
      ["repeated _csrf", form().field("_csrf", csrf).attach("lockfile", lock, "package-lock.json"), 403], // the CSRF refusal: two tokens are no token
      ["repeated file parts", form().attach("lockfile", lock, "package-lock.json").attach("lockfile", lock, "yarn.lock"), 400],
      ["a file under another name", form().attach("other", lock, "package-lock.json"), 400],
      ["over-long organizationId", form().field("organizationId", "9".repeat(300)).attach("lockfile", lock, "package-lock.json"), 422],
      ["field over the field size", form().field("organizationId", "1".repeat(20_000)).attach("lockfile", lock, "package-lock.json"), 400],
      [
        "too many fields",
        Array.from({ length: 12 }, (_, i) => i)
          .reduce((r, i) => r.field(`x${i}`, "y"), form())
          .attach("lockfile", lock, "package-lock.json"),
        400,
      ],
      ["over-long file name", form().attach("lockfile", lock, `${"n".repeat(5000)}.json`), 200],
    ];
    for (const [what, pending, status] of refused) {
      const res = await pending;
      expect(res.status, `${what} → ${res.text.slice(0, 300)}`).toBe(status);
      expect(res.headers["content-type"], what).toMatch(/^text\/html/);
      if (status !== 200) expect(await state(), what).toBe(before);
    }
    // The token was good all along: the same form whole is a report, still written nowhere (anonymous).
    const ok = await form().attach("lockfile", lock, "package-lock.json");
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("Check report");
    expect(await state()).toBe(before);
  });
});

describe("signed webhooks of odd shapes", () => {
  const sign = (body: string | Buffer) => `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`;
  let n = 0;
  const deliver = (event: string, body: string | Buffer, contentType = "application/json") =>
    api(h)
      .post("/webhooks/github")
      .set("content-type", contentType)
      .set("x-github-event", event)
      .set("x-github-delivery", `fuzz-${++n}`)
      .set("x-hub-signature-256", sign(body))
      .send(body);

  it("never get a 500, whatever the payload holds", async () => {
    const anything = fc.jsonValue({ maxDepth: 2 });
    const repository = fc.oneof(
      anything,
      fc.record(
        {
          id: fc.oneof(fc.integer(), anything),
          full_name: fc.oneof(fc.constantFrom("Coop/tool", "../..", "a/b/c"), anything),
          default_branch: anything,
        },
        { requiredKeys: [] },
      ),
    );
    const payload = fc.record(
      {
        action: fc.oneof(fc.constantFrom("renamed", "transferred"), anything),
        ref: fc.oneof(fc.constant("refs/heads/main"), fc.constant({}), anything),
        commits: fc.oneof(
          fc.constant([null]),
          fc.array(fc.oneof(fc.constant(null), fc.record({ added: anything, modified: fc.constant(["LICENSE"]) }))),
        ),
        head_commit: fc.oneof(fc.constant(null), anything),
        repository,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("push", "repository", "ping", "installation", "x"), payload, async (event, body) => {
        const res = await deliver(event, JSON.stringify(body));
        below500(res, `${event} ${JSON.stringify(body).slice(0, 300)}`);
      }),
      { numRuns: 150, seed: SEED },
    );
    // The known shapes, by name, and bodies that are not a JSON object or not UTF-8.
    for (const body of ['{"ref":{},"commits":[null]}', "[]", "null", "{", Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]) {
      const res = await deliver("push", body, "application/octet-stream");
      expect(res.status, String(body)).toBeGreaterThanOrEqual(200);
      below500(res, String(body));
    }
  });
});

describe("lockfiles of every format", () => {
  const name = fc.oneof(fc.constantFrom("left-pad", "@scope/thing", "tool"), nasty);
  const version = fc.oneof(fc.constantFrom("1.0.0", "0.0.0-x"), nasty);
  const ref = fc.oneof(
    version.map((v) => `npm:${v}`),
    fc.constantFrom(
      "patch:left-pad@npm%3A1.0.0#./p.patch",
      "patch:left-pad@npm%E0%A4%A#x",
      "patch:%",
      "workspace:.",
      "github:Coop/tool#abc",
    ),
    nasty,
  );
  const files: Record<string, fc.Arbitrary<string>> = {
    npm: fc
      .dictionary(
        name.map((n) => `node_modules/${n}`),
        fc.record({ version, resolved: fc.option(nasty), name: fc.option(name), link: fc.option(fc.boolean()) }, { requiredKeys: [] }),
        { maxKeys: 4 },
      )
      .chain((packages) => fc.constantFrom(1, 2, 3, "x").map((v) => JSON.stringify({ lockfileVersion: v, packages }))),
    npmAnything: fc.jsonValue({ maxDepth: 3 }).map((packages) => JSON.stringify({ lockfileVersion: 3, packages, dependencies: packages })),
    yarnBerry: fc
      .array(fc.tuple(name, ref, version), { maxLength: 4 })
      .map(
        (entries) =>
          `__metadata:\n  version: 8\n\n` +
          entries
            .map(
              ([n, r, v]) =>
                `${JSON.stringify(`${n}@${r}`)}:\n  version: ${JSON.stringify(v)}\n  resolution: ${JSON.stringify(`${n}@${r}`)}\n`,
            )
            .join("\n"),
      ),
    yarnClassic: fc
      .array(fc.tuple(name, version, nasty), { maxLength: 4 })
      .map(
        (entries) =>
          `# yarn lockfile v1\n\n` +
          entries
            .map(([n, v, r]) => `${JSON.stringify(`${n}@^${v}`)}:\n  version ${JSON.stringify(v)}\n  resolved ${JSON.stringify(r)}\n`)
            .join("\n"),
      ),
    pnpm: fc
      .array(fc.tuple(name, version, nasty), { maxLength: 4 })
      .chain((entries) =>
        fc
          .constantFrom("'6.0'", "'9.0'", "x")
          .map(
            (v) =>
              `lockfileVersion: ${v}\npackages:\n` +
              entries
                .map(([n, ver, t]) => `  ${JSON.stringify(`/${n}@${ver}`)}:\n    resolution: {tarball: ${JSON.stringify(t)}}\n`)
                .join(""),
          ),
      ),
    cyclonedx: fc
      .array(
        fc.record(
          {
            purl: fc.option(nasty),
            name: fc.option(name),
            group: fc.option(nasty),
            version: fc.option(version),
            licenses: fc.jsonValue({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        ),
        {
          maxLength: 4,
        },
      )
      .map((components) => JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.5", components })),
    spdx: fc
      .array(
        fc.record(
          {
            name: fc.option(name),
            versionInfo: fc.option(version),
            externalRefs: fc.jsonValue({ maxDepth: 2 }),
            licenseDeclared: fc.option(nasty),
          },
          { requiredKeys: [] },
        ),
        {
          maxLength: 4,
        },
      )
      .map((packages) => JSON.stringify({ spdxVersion: "SPDX-2.3", packages })),
    garbage: fc.oneof(
      nasty,
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
    ),
  };

  it("never get a 500, whole or cut short", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(files)).chain((k) => fc.tuple(fc.constant(k), files[k]!)),
        fc.nat({ max: 30 }),
        async ([format, text], cut) => {
          const body = cut > 20 ? text.slice(0, text.length - (cut - 20)) : text;
          const res = await api(h).post("/api/v1/checks").set(treasurer.auth).set("content-type", "text/plain").send(body);
          below500(res, `${format}: ${body.slice(0, 300)}`);
        },
      ),
      { numRuns: 250, seed: SEED },
    );
    const patch = await api(h)
      .post("/api/v1/checks")
      .set("content-type", "text/plain")
      .send(`__metadata:\n  version: 8\n\n"x@patch:x@npm%E0%A4%A#p":\n  version: 1.0.0\n  resolution: "x@patch:x@npm%E0%A4%A#p"\n`);
    expect(patch.status).toBe(200);
  });
});
