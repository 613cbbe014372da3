// Reading a file never blocks the server: lockfiles and SBOMs are read in child processes, under limits
// on entries, nesting and time, with a bounded number of checks in flight per client address; the web
// /check form counts against the API's rate limit.
import { request as httpRequest, type ClientRequest } from "node:http";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { listen, type Listening } from "../support/listen.js";
import { MAX_ENTRIES, MAX_NESTING } from "../../src/checks/check-limits.js";
import { configureParsing } from "../../src/checks/parse-pool.js";

let h: Harness | undefined;
let served: Listening | undefined;
// The production limits (10 s a read, 30 s in the queue) are for a server, not for a CI machine running other
// test files beside this one: the parse child runs at a lower priority and may be starved for seconds. Tests
// about something else get a minute; the parse_timeout test sets its own limit.
let productionLimits: ReturnType<typeof configureParsing>;
beforeEach(() => {
  productionLimits = configureParsing({ timeoutMs: 60_000, queueTimeoutMs: 120_000 });
});
afterEach(async () => {
  configureParsing(productionLimits);
  await served?.close();
  served = undefined;
  await h?.close();
  h = undefined;
});

/** A pnpm 9 lockfile with `n` packages (about 60 bytes each). */
function pnpmLockfile(n: number): string {
  const lines = ["lockfileVersion: '9.0'", "", "packages:", ""];
  for (let i = 0; i < n; i++)
    lines.push(`  pkg-${i.toString(36)}@1.${i % 50}.${i % 7}:`, `    resolution: {integrity: sha512-${(i * 7919).toString(36)}}`, "");
  return lines.join("\n");
}

interface Reply {
  status: number;
  body: string;
  ms: number;
}

type Options = { method?: string; body?: string | Buffer; from?: string; headers?: Record<string, string> };

/** A request from a given local address (each address is a client of its own), its body not yet ended. */
function begin(port: number, path: string, options: Options): { req: ClientRequest; reply: Promise<Reply> } {
  const start = performance.now();
  let req!: ClientRequest;
  const reply = new Promise<Reply>((resolve, reject) => {
    req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        localAddress: options.from,
        agent: false,
        headers: {
          ...options.headers,
          ...(options.body === undefined ? {} : { "content-type": "application/yaml", "content-length": Buffer.byteLength(options.body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - start }),
        );
      },
    );
    req.on("error", reject);
  });
  return { req, reply };
}

/** One request, whole. */
function send(port: number, path: string, options: Options = {}): Promise<Reply> {
  const { req, reply } = begin(port, path, options);
  req.end(options.body);
  return reply;
}

/** A check whose body is sent but for its last byte, so the request stays in flight until `finish()`. */
function held(port: number, body: string): { finish(): Promise<Reply> } {
  const bytes = Buffer.from(body);
  const { req, reply } = begin(port, "/api/v1/checks", { method: "POST", body: bytes });
  req.write(bytes.subarray(0, -1));
  return {
    finish: () => {
      req.end(bytes.subarray(-1));
      return reply;
    },
  };
}

/** The harness's app on a free port, closed after the test. */
async function listenOn(harness: Harness): Promise<number> {
  served = await listen(harness.app);
  return Number(new URL(served.url).port);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

describe("reading files off the event loop", () => {
  it("keeps /healthz under 100 ms at p99 while four anonymous 6 MB uploads are read", { timeout: 180_000 }, async () => {
    h = await makeHarness({ CHECK_RATE_LIMIT_PER_MINUTE: 1000 });
    const port = await listenOn(h);
    const file = Buffer.from(pnpmLockfile(100_000));
    expect(file.length).toBeGreaterThan(5_500_000);
    // The pool starts on the first check: warm it, so the figures are about reading, not start-up.
    expect((await send(port, "/api/v1/checks", { method: "POST", body: pnpmLockfile(10), from: "127.0.0.9" })).status).toBe(200);

    /** Four 6 MB uploads from four addresses, with /healthz polled until they are answered: its p99 in ms. */
    const round = async (n: number) => {
      let uploading = true;
      const uploads = Promise.all(
        [2, 3, 4, 5].map((a) => send(port, "/api/v1/checks", { method: "POST", body: file, from: `127.0.0.${a}` })),
      ).finally(() => {
        uploading = false;
      });
      const latencies: number[] = [];
      while (uploading) {
        const r = await send(port, "/healthz");
        expect(r.status).toBe(200);
        latencies.push(r.ms);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      for (const r of await uploads) {
        expect(r.status, r.body.slice(0, 300)).toBe(200);
        expect(JSON.parse(r.body)).toMatchObject({ format: "pnpm", componentCount: 100_000 });
      }
      const p99 = percentile(latencies, 99);
      console.log(
        `/healthz during 4 uploads, round ${n}: ${latencies.length} polls, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
          `p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
      );
      expect(latencies.length).toBeGreaterThan(20);
      return p99;
    };
    // Reading on the event loop blocks it for seconds in every round. Other test files running beside this one
    // on a 2-core machine can push one round's p99 past the target for a moment, so a second round is
    // measured before failing, and the better of the two is judged.
    let p99 = await round(1);
    if (p99 >= 100) p99 = Math.min(p99, await round(2));
    expect(p99).toBeLessThan(100);
  });
});

describe("limits, each with its code", () => {
  const post = (body: string) => api(h!).post("/api/v1/checks").set("content-type", "application/json").send(body);

  it(`too_many_entries: more than ${MAX_ENTRIES} entries is a 413`, { timeout: 120_000 }, async () => {
    h = await makeHarness({ CHECK_RATE_LIMIT_PER_MINUTE: 1000 });
    const packages: Record<string, { version: string }> = {};
    for (let i = 0; i <= MAX_ENTRIES; i++) packages[`node_modules/p${i.toString(36)}`] = { version: "1.0.0" };
    const res = await post(JSON.stringify({ lockfileVersion: 3, packages }));
    expect(res.status).toBe(413);
    expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: "too_many_entries", status: 413 });
    expect(res.body.detail).toMatch(/200,000 entries/);
  });

  it("nesting_too_deep: JSON and YAML nested past the limit are a 422", async () => {
    h = await makeHarness({ CHECK_RATE_LIMIT_PER_MINUTE: 1000 });
    const deep = `{"bomFormat":"CycloneDX","components":${"[".repeat(MAX_NESTING + 1)}${"]".repeat(MAX_NESTING + 1)}}`;
    const res = await post(deep);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "nesting_too_deep" });
    expect(res.body.detail).toMatch(/16,384 levels/);
    const yaml = `lockfileVersion: '9.0'\npackages: {}\nx: ${"[".repeat(MAX_NESTING + 1)}${"]".repeat(MAX_NESTING + 1)}\n`;
    const res2 = await api(h).post("/api/v1/checks").set("content-type", "application/yaml").send(yaml);
    expect(res2.status).toBe(422);
    expect(res2.body).toMatchObject({ code: "nesting_too_deep" });
  });

  it("parse_timeout: a file that takes too long to read is a 422, and its worker is stopped", { timeout: 60_000 }, async () => {
    h = await makeHarness({ CHECK_RATE_LIMIT_PER_MINUTE: 1000 });
    const previous = configureParsing({ timeoutMs: 20 });
    try {
      const res = await api(h).post("/api/v1/checks").set("content-type", "application/yaml").send(pnpmLockfile(100_000));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: "parse_timeout" });
      expect(res.body.detail).toMatch(/longer than 0.02 s/);
    } finally {
      configureParsing(previous);
    }
    // The pool goes on: the next file is read.
    const ok = await api(h).post("/api/v1/checks").set("content-type", "application/yaml").send(pnpmLockfile(10));
    expect(ok.status).toBe(200);
  });

  it("payload_too_large: more than MAX_UPLOAD_BYTES is a 413", async () => {
    h = await makeHarness({ CHECK_RATE_LIMIT_PER_MINUTE: 1000, MAX_UPLOAD_BYTES: 4096 });
    const res = await api(h).post("/api/v1/checks").set("content-type", "application/yaml").send(pnpmLockfile(200));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: "payload_too_large" });
  });

  it("too_many_concurrent_checks: a third check in flight from one address is a 429", { timeout: 120_000 }, async () => {
    h = await makeHarness({ CHECK_RATE_LIMIT_PER_MINUTE: 1000 });
    const port = await listenOn(h);
    // Two checks held in flight: their bodies stop one byte short, after the limits (which run on the headers).
    const first = [held(port, pnpmLockfile(10)), held(port, pnpmLockfile(10))];
    // A third from the same address is refused once both have passed the limits (on a busy machine that takes a
    // moment: the rate limit's count is a database write); until then it is answered.
    let third: Reply | undefined;
    for (let attempt = 0; attempt < 200 && third?.status !== 429; attempt++) {
      if (third) await new Promise((resolve) => setTimeout(resolve, 25));
      third = await send(port, "/api/v1/checks", { method: "POST", body: pnpmLockfile(10) });
      expect([200, 429]).toContain(third.status);
    }
    expect(third!.status).toBe(429);
    expect(JSON.parse(third!.body)).toMatchObject({ code: "too_many_concurrent_checks" });
    expect(JSON.parse(third!.body).detail).toMatch(/At most 2 checks/);
    // A forged X-Forwarded-For (no TRUST_PROXY) is the same address.
    const forged = await send(port, "/api/v1/checks", {
      method: "POST",
      body: pnpmLockfile(10),
      headers: { "x-forwarded-for": "198.51.100.9" },
    });
    expect(forged.status).toBe(429);
    // Another address is not held back by it.
    const other = await send(port, "/api/v1/checks", { method: "POST", body: pnpmLockfile(10), from: "127.0.0.7" });
    expect(other.status).toBe(200);
    for (const r of await Promise.all(first.map((f) => f.finish()))) expect(r.status).toBe(200);
    // Once they are done, the address may check again.
    expect((await send(port, "/api/v1/checks", { method: "POST", body: pnpmLockfile(10) })).status).toBe(200);
  });
});

describe("the web /check form", () => {
  it("is rate-limited like the API, with the same counts", async () => {
    h = await makeHarness({ CHECK_RATE_LIMIT_PER_MINUTE: 3 });
    const agent = request.agent(h.app);
    const formPost = async () => {
      const page = await agent.get("/check").expect(200);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      return agent
        .post("/check")
        .set("accept", "text/html")
        .field("_csrf", token)
        .attach("lockfile", Buffer.from(pnpmLockfile(3)), "pnpm-lock.yaml");
    };
    const apiPost = () => api(h!).post("/api/v1/checks").set("content-type", "application/yaml").send(pnpmLockfile(3));
    expect((await formPost()).status).toBe(200);
    expect((await apiPost()).status).toBe(200);
    expect((await formPost()).status).toBe(200);
    // Three checks in the minute, through either door: the fourth is refused by both.
    const refused = await formPost();
    expect(refused.status).toBe(429);
    expect(refused.text).toMatch(/limited to 3 a minute/);
    const refusedApi = await apiPost();
    expect(refusedApi.status).toBe(429);
    expect(refusedApi.body).toMatchObject({ code: "rate_limited" });
  });
});
