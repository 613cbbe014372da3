// The response cache answers public reads from memory, and never an answer older than the last commit: not after
// this process writes, not after another process writes to the same database.
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import express from "express";
import request from "supertest";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ResponseCache } from "../../src/http/response-cache.js";
import { execute } from "../../src/db/sql.js";
import { Commune } from "../support/commune.js";
import { api, makeHarness, makeUser, passwordHashFor, tempDir, type Harness, type TestUser } from "../support/harness.js";
import { startServerProcess } from "../support/server-process.js";

describe("the response cache (alone)", () => {
  function app(options: { private?: boolean; maxEntries?: number } = {}) {
    const state = { version: "1", calls: 0 };
    const cache = new ResponseCache({
      version: async () => state.version,
      perRequest: (req) => [["X-Request-Id", String(req.headers["x-request-id"] ?? "made-here")]],
      personalCookies: ["rcp_session"],
      maxEntries: options.maxEntries,
    });
    const app = express();
    app.use(cache.middleware());
    app.use((req, res, next) => {
      res.setHeader("X-Request-Id", String(req.headers["x-request-id"] ?? "made-here"));
      res.setHeader("X-Frame-Options", "DENY");
      next();
    });
    app.get(["/things/:id", "/other"], (req, res) => {
      state.calls += 1;
      res.cookie("rcp_browser", "visitor");
      if (options.private) res.set("Cache-Control", "private, no-store");
      res.json({ id: req.params.id ?? null, version: state.version, call: state.calls });
    });
    cache.allow(["/things/:id"]);
    return { app, state };
  }

  it("answers the second anonymous read from memory, without the first one's cookie", async () => {
    const { app: a, state } = app();
    const first = await request(a).get("/things/1").expect(200);
    expect(first.headers["set-cookie"]).toBeDefined();
    const second = await request(a).get("/things/1").expect(200);
    expect(second.headers["x-cache"]).toBe("hit");
    expect(second.body).toEqual(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers["set-cookie"]).toBeUndefined();
    expect(state.calls).toBe(1);
    // The headers the skipped middleware set are kept with the answer; the request's own are its own.
    expect(second.headers["x-frame-options"]).toBe("DENY");
    expect(second.headers["content-type"]).toBe(first.headers["content-type"]);
    expect(second.headers["content-length"]).toBe(first.headers["content-length"]);
    const own = await request(a).get("/things/1").set("X-Request-Id", "req-2").expect(200);
    expect(own.headers["x-request-id"]).toBe("req-2");
    expect(own.headers["x-cache"]).toBe("hit");
    await request(a).get("/things/1").set("If-None-Match", first.headers.etag!).expect(304);
    const other = await request(a).get("/things/1").set("If-None-Match", '"another"').expect(200);
    expect(other.body).toEqual(first.body);
  });

  it("drops every answer when the data version changes", async () => {
    const { app: a, state } = app();
    await request(a).get("/things/1").expect(200);
    state.version = "2";
    const after = await request(a).get("/things/1").expect(200);
    expect(after.headers["x-cache"]).toBeUndefined();
    expect(after.body).toMatchObject({ version: "2", call: 2 });
  });

  it("never serves a request with credentials, a session cookie, a private answer or a path not allowed", async () => {
    const { app: a, state } = app();
    await request(a).get("/things/1").expect(200);
    expect((await request(a).get("/things/1").set("Authorization", "Bearer x")).headers["x-cache"]).toBeUndefined();
    expect((await request(a).get("/things/1").set("Cookie", "rcp_session=abc")).headers["x-cache"]).toBeUndefined();
    expect((await request(a).get("/things/1").set("Cookie", "rcp_browser=abc")).headers["x-cache"]).toBe("hit");
    await request(a).get("/other");
    expect((await request(a).get("/other")).headers["x-cache"]).toBeUndefined();
    expect(state.calls).toBe(5);

    const { app: p, state: privateState } = app({ private: true });
    await request(p).get("/things/1");
    expect((await request(p).get("/things/1")).headers["x-cache"]).toBeUndefined();
    expect(privateState.calls).toBe(2);
  });

  it("keeps at most maxEntries answers, dropping the oldest", async () => {
    const { app: a, state } = app({ maxEntries: 2 });
    for (const id of [1, 2, 3]) await request(a).get(`/things/${id}`);
    expect((await request(a).get("/things/3")).headers["x-cache"]).toBe("hit");
    expect((await request(a).get("/things/1")).headers["x-cache"]).toBeUndefined();
    expect(state.calls).toBe(4);
  });
});

describe("public reads of the real app", () => {
  let h: Harness;
  let maintainer: TestUser;
  beforeEach(async () => {
    h = await makeHarness();
    maintainer = await makeUser(h, { passwordHash: await passwordHashFor("a long password") });
    const c = await Commune.create(h, maintainer);
    const licensor = await c.org("Commons", "nonprofit");
    await c.work("cached-tool", licensor.id);
  });
  afterEach(async () => {
    await h.close();
  });

  const rename = (title: string) =>
    h.db.transaction(async (tx) => {
      await execute(tx, sql`update works set title = ${title} where slug = 'cached-tool'`);
    });

  it("answer from memory until this process commits a change", async () => {
    for (const path of ["/api/v1/works/cached-tool", "/api/v1/works", "/api/v1/works/cached-tool/badge.svg"]) {
      const miss = await api(h).get(path).expect(200);
      const hit = await api(h).get(path).set("X-Request-Id", "hit-1").expect(200);
      expect(hit.headers["x-cache"], path).toBe("hit");
      // The same head as the answer made by the app (security headers included), with the request's own id.
      const head = (r: request.Response) => {
        const { date: _date, "x-request-id": _id, "x-cache": _cache, ...rest } = r.headers;
        return rest;
      };
      expect(head(hit), path).toEqual(head(miss));
      expect(hit.headers["content-security-policy"], path).toBeDefined();
      expect(hit.headers["x-request-id"], path).toBe("hit-1");
    }
    await rename("Renamed in this process");
    const after = await api(h).get("/api/v1/works/cached-tool").expect(200);
    expect(after.headers["x-cache"]).toBeUndefined();
    expect(after.body.title).toBe("Renamed in this process");
    expect((await api(h).get("/api/v1/works").expect(200)).body.works[0].title).toBe("Renamed in this process");
  });

  it("answer a work's page from memory for anonymous visitors only; pages with a form stay private", async () => {
    await api(h).get("/works/cached-tool").expect(200);
    const cached = await api(h).get("/works/cached-tool").expect(200);
    expect(cached.headers["x-cache"]).toBe("hit");
    expect(cached.headers["set-cookie"]).toBeUndefined();
    expect(cached.text).not.toContain("Maintain");

    const agent = request.agent(h.app);
    const login = await agent.get("/login").expect(200);
    expect(login.headers["cache-control"]).toBe("private, no-store");
    const token = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
    await agent.post("/login").type("form").send({ _csrf: token, email: maintainer.email, password: "a long password" });
    const mine = await agent.get("/works/cached-tool").expect(200);
    expect(mine.headers["x-cache"]).toBeUndefined();
    expect(mine.headers["cache-control"]).toBe("private, no-store");
    expect(mine.text).toContain("Maintain");
    expect((await api(h).get("/check").expect(200)).headers["cache-control"]).toBe("private, no-store");
  });

  it("never answer older than a commit made by another process on the same database", async () => {
    const signingKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const server = await startServerProcess({
      DATABASE_PATH: h.config.DATABASE_PATH,
      DATABASE_URL: h.config.DATABASE_URL,
      SIGNING_KEY: signingKey,
      SIGNING_KEY_PATH: join(tempDir(), "unused.pem"),
    });
    try {
      const read = () => fetch(`${server.url}/api/v1/works/cached-tool`);
      await read();
      const hit = await read();
      expect(hit.headers.get("x-cache")).toBe("hit");
      // This test process is the other process: its commit must be seen by the server's very next read.
      await rename("Renamed by another process");
      const after = await read();
      expect(after.headers.get("x-cache")).toBeNull();
      expect(((await after.json()) as { title: string }).title).toBe("Renamed by another process");
      expect((await read()).headers.get("x-cache")).toBe("hit");
    } finally {
      await server.stop();
    }
  }, 60_000);
});
