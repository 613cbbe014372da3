// What keeps a read cheap must not change what it answers: SQLite statements kept compiled, limits written into
// the SQL, helmet's headers worked out once, one log line per request.
import { Writable } from "node:stream";
import express from "express";
import helmet from "helmet";
import { pino } from "pino";
import request from "supertest";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { healthCheck } from "../../src/http/health.js";
import { works } from "../../src/db/schema.js";
import { queryRows } from "../../src/db/sql.js";
import { api, makeHarness, makeUser, testEngine, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

describe("statements", () => {
  it("write a whole-number limit into SQLite's SQL text and keep it a parameter on PostgreSQL", () => {
    const query = h.db
      .select({ id: works.id })
      .from(works)
      .where(sql`${works.slug} = ${"a"}`)
      .limit(7)
      .toSQL();
    if (testEngine() === "sqlite") {
      expect(query.sql).toMatch(/ limit 7$/);
      expect(query.params).toEqual(["a"]);
    } else {
      expect(query.sql).toMatch(/ limit \$2$/);
      expect(query.params).toEqual(["a", 7]);
    }
  });

  it("answer rows as objects after the same SQL was last run in drizzle's raw (array) mode", async () => {
    const query = () => sql`select 41 + 1 as answer`;
    // drizzle's SQLite `values` runs the statement in raw mode; PostgreSQL has no such mode to leave behind.
    const raw = h.db as unknown as { values?(q: unknown): unknown[] };
    for (let round = 0; round < 2; round++) {
      if (testEngine() === "sqlite") expect(raw.values!(query())).toEqual([[42]]);
      expect((await queryRows<{ answer: unknown }>(h.db, query())).map((r) => Number(r.answer))).toEqual([42]);
    }
  });
});

describe("security headers", () => {
  it("are helmet's own, header for header, on the API, the pages and a 404", async () => {
    const reference = express();
    reference.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } }, strictTransportSecurity: false }));
    reference.get("/", (_req, res) => {
      res.send("ok");
    });
    const expected = (await request(reference).get("/")).headers;
    const helmetNames = Object.keys(expected).filter(
      (name) => !["content-type", "content-length", "etag", "date", "connection"].includes(name),
    );
    expect(helmetNames.length).toBeGreaterThan(8);
    for (const path of ["/healthz", "/api/v1/works", "/works", "/no-such-page"]) {
      const got = (await api(h).get(path)).headers;
      for (const name of helmetNames) expect([path, name, got[name]]).toEqual([path, name, expected[name]]);
    }
  });
});

/** A logger at the production level whose lines are kept, parsed, in `lines`. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: "info" }, sink) };
}

describe("the request log", () => {
  it("writes one line per request with its id, method, URL, status and time, and never the Authorization header", async () => {
    const { lines, logger } = logSink();
    const app = createApp({ ...h.deps, logger });
    const user = await makeUser(h);
    const given = await request(app).get("/api/v1/users/me").set(user.auth).set("X-Request-Id", "trace-1.a_b").expect(200);
    expect(given.headers["x-request-id"]).toBe("trace-1.a_b");
    const made = await request(app).get("/api/v1/works/nope").set("X-Request-Id", "not ok!").expect(404);
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: "request completed",
      req: { id: "trace-1.a_b", method: "GET", url: "/api/v1/users/me" },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(lines[1]).toMatchObject({ req: { id: made.headers["x-request-id"], url: "/api/v1/works/nope" }, res: { statusCode: 404 } });
    expect(JSON.stringify(lines)).not.toContain(user.token);
  });

  it("writes the line of a read answered from the response cache too, with the request's own id", async () => {
    const { lines, logger } = logSink();
    const app = createApp({ ...h.deps, logger });
    await request(app).get("/api/v1/works").expect(200);
    const hit = await request(app).get("/api/v1/works").set("X-Request-Id", "from-memory").expect(200);
    expect(hit.headers["x-cache"]).toBe("hit");
    expect(hit.headers["x-request-id"]).toBe("from-memory");
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      msg: "request completed",
      req: { id: "from-memory", method: "GET", url: "/api/v1/works" },
      res: { statusCode: 200 },
    });
  });
});

describe("the health check", () => {
  it("answers ok after a database read, with the security headers, its request id and its log line", async () => {
    const { lines, logger } = logSink();
    const app = createApp({ ...h.deps, logger });
    const res = await request(app).get("/healthz").set("X-Request-Id", "probe-1").expect(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["x-request-id"]).toBe("probe-1");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      expect.objectContaining({ msg: "request completed", req: expect.objectContaining({ id: "probe-1", url: "/healthz" }) }),
    ]);
  });

  it("fails through the error handler, with the same headers, when the database does not answer", async () => {
    const { lines, logger } = logSink();
    const app = express();
    app.get(
      "/healthz",
      healthCheck(() => Promise.reject(new Error("database gone")), logger, ["X-Frame-Options", "DENY"]),
    );
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(503).json({ status: "down" });
    });
    const res = await request(app).get("/healthz").expect(503);
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([expect.objectContaining({ res: { statusCode: 503 } })]);
  });
});
