// Unknown errors: a generic 500 problem whose error id is in the log, never a stack trace.
import { Writable } from "node:stream";
import { pino } from "pino";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { api, makeHarness, makeUser } from "../support/harness.js";

describe("an unexpected failure", () => {
  it("is a 500 problem with an error id that the log names, and no internals", async () => {
    const h = await makeHarness();
    const user = await makeUser(h);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = createApp({ ...h.deps, logger: pino({ level: "error" }, sink) });
    await h.close(); // every query now throws inside the server, on either engine
    const res = await request(app).get("/api/v1/users/me").set(user.auth);
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 500, code: "internal", errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(res.body.detail).toContain(res.body.errorId);
    expect(JSON.stringify(res.body)).not.toMatch(/database|sqlite|postgres|pool|\.ts:/i);
    const logged = lines.map((l) => JSON.parse(l) as { errorId?: string; msg: string; err?: { message: string } });
    expect(logged).toContainEqual(expect.objectContaining({ errorId: res.body.errorId, msg: "unhandled error" }));
  });
});

describe("unknown API routes", () => {
  it("answer 404 problem+json whatever the method, never the web forms' CSRF 403", async () => {
    const h = await makeHarness();
    try {
      for (const method of ["get", "post", "put", "patch", "delete"] as const) {
        const res = await api(h)[method]("/api/v1/no-such-thing").set("Accept", "application/json");
        expect(res.status, method).toBe(404);
        expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
        expect(res.body.code).toBe("not_found");
      }
      const wrongMethod = await api(h).delete("/api/v1/works");
      expect(wrongMethod.status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
