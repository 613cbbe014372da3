// X-Forwarded-* are believed only from the proxies TRUST_PROXY names: without it, a forged
// X-Forwarded-For buys no fresh rate-limit bucket and req.ip / req.protocol are the socket's; with it,
// the header is read as configured (a hop count, addresses, `loopback`).
import type { Express } from "express";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { rateLimitCounters } from "../../src/db/schema.js";
import { pino } from "pino";
import { createApp } from "../../src/app.js";
import { isLocalAddress, PROXY_HINT } from "../../src/http/proxy-hint.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const LIMIT = 2;
const lockfile = JSON.stringify({ name: "app", lockfileVersion: 3, packages: { "": { name: "app" } } });

async function harness(trustProxy?: string): Promise<Harness> {
  h = await makeHarness({
    CHECK_RATE_LIMIT_PER_MINUTE: LIMIT,
    LOGIN_RATE_LIMIT_PER_MINUTE: 3,
    ...(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }),
  });
  addProbe(h.app);
  return h;
}

/** A route ahead of every other that answers what express makes of the request: its address and protocol. */
function addProbe(app: Express): void {
  app.get("/__probe", (req, res) => {
    res.json({ ip: req.ip, protocol: req.protocol, secure: req.secure });
  });
  const stack = (app.router as unknown as { stack: unknown[] }).stack;
  stack.unshift(stack.pop());
}

const probe = (h: Harness, headers: Record<string, string>) =>
  api(h)
    .get("/__probe")
    .set(headers)
    .then((res) => res.body as { ip: string; protocol: string; secure: boolean });

/** An anonymous check claiming to come from `forwardedFor`. */
const check = (h: Harness, forwardedFor: string) =>
  api(h).post("/api/v1/checks").set("content-type", "application/json").set("x-forwarded-for", forwardedFor).send(lockfile);

const forged = { "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" };

describe("without TRUST_PROXY", () => {
  it("a forged X-Forwarded-For gives no fresh rate-limit bucket: the socket's address is counted", async () => {
    const h = await harness();
    for (let i = 1; i <= LIMIT; i++) expect((await check(h, `203.0.113.${i}`)).status).toBe(200);
    const limited = await check(h, "198.51.100.77");
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    const keys = (await h.db.select({ key: rateLimitCounters.key }).from(rateLimitCounters)).map((r) => r.key);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^check:(::ffff:)?127\.0\.0\.1$/);
  });

  it("nor a fresh bucket of sign-in attempts", async () => {
    const h = await harness();
    const agent = request.agent(h.app);
    const token = /name="_csrf" value="([^"]+)"/.exec((await agent.get("/login")).text)![1]!;
    const attempt = (i: number) =>
      agent
        .post("/login")
        .type("form")
        .set("x-forwarded-for", `203.0.113.${i}`)
        .send({ _csrf: token, email: "nobody@example.org", password: "wrong password" });
    for (let i = 1; i <= 3; i++) expect((await attempt(i)).status).toBe(401);
    expect((await attempt(4)).status).toBe(429);
  });

  it("req.ip and req.protocol ignore X-Forwarded-*", async () => {
    const seen = await probe(await harness(), forged);
    expect(seen.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(seen).toMatchObject({ protocol: "http", secure: false });
  });

  it("TRUST_PROXY=false and a proxy address that is not the peer believe nothing either", async () => {
    for (const setting of ["false", "10.0.0.1"]) {
      const seen = await probe(await harness(setting), forged);
      expect(seen.ip, setting).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
      expect(seen.protocol, setting).toBe("http");
      await h!.close();
      h = undefined;
    }
  });
});

describe("a proxy forwarding to a server without TRUST_PROXY", () => {
  /** The harness's app again, with a logger whose warnings are kept. */
  async function loggedApp(trustProxy?: string) {
    const h = await harness(trustProxy);
    const warnings: { msg: string; from?: string }[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line) as { msg: string }) });
    return { app: createApp({ ...h.deps, logger }), warnings };
  }

  it("gets one warning in the log, on the first forwarded request from a local address", async () => {
    const { app, warnings } = await loggedApp();
    await request(app).get("/api/v1/works").expect(200);
    expect(warnings).toEqual([]);
    for (let i = 0; i < 3; i++) await request(app).get("/api/v1/works").set("x-forwarded-for", `203.0.113.${i}`).expect(200);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ msg: PROXY_HINT, from: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/) });
  });

  it("gets none once TRUST_PROXY is set", async () => {
    const { app, warnings } = await loggedApp("loopback");
    await request(app).get("/api/v1/works").set("x-forwarded-for", "203.0.113.1").expect(200);
    expect(warnings).toEqual([]);
  });

  it("counts only loopback and private addresses as where a proxy lives", () => {
    for (const local of ["127.0.0.1", "::ffff:127.0.0.1", "::1", "10.1.2.3", "172.20.0.5", "192.168.1.1", "fd00::7"])
      expect(isLocalAddress(local), local).toBe(true);
    for (const remote of ["203.0.113.9", "::ffff:198.51.100.1", "2001:db8::1", "172.32.0.1", "", undefined])
      expect(isLocalAddress(remote), String(remote)).toBe(false);
  });
});

describe("with TRUST_PROXY", () => {
  it("each forwarded client has its own bucket, a client's own hits still count", async () => {
    const h = await harness("loopback");
    for (let i = 1; i <= LIMIT + 2; i++) expect((await check(h, `203.0.113.${i}`)).status).toBe(200);
    for (let i = 0; i < LIMIT; i++) expect((await check(h, "198.51.100.7")).status).toBe(200);
    expect((await check(h, "198.51.100.7")).status).toBe(429);
    const keys = (await h.db.select({ key: rateLimitCounters.key }).from(rateLimitCounters)).map((r) => r.key);
    expect(keys).toContain("check:198.51.100.7");
    expect(keys.some((k) => k.includes("127.0.0.1"))).toBe(false);
  });

  it("req.ip and req.protocol come from the header as configured: `loopback`, `true`, a hop count", async () => {
    for (const setting of ["loopback", "true", "127.0.0.1"]) {
      const seen = await probe(await harness(setting), forged);
      expect(seen, setting).toEqual({ ip: "203.0.113.9", protocol: "https", secure: true });
      await h!.close();
      h = undefined;
    }
    // One proxy hop trusted: the address that proxy saw (the last in the list), not what the client claimed.
    const hop = await probe(await harness("1"), { "x-forwarded-for": "192.0.2.66, 203.0.113.5", "x-forwarded-proto": "https" });
    expect(hop).toEqual({ ip: "203.0.113.5", protocol: "https", secure: true });
  });
});
