// Sessions, CSRF and sign-in limits, over HTTP without a browser.
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { webSessions } from "../../src/db/schema.js";
import { makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";

let h: Harness;
let user: TestUser;
beforeEach(async () => {
  h = await makeHarness({ LOGIN_RATE_LIMIT_PER_MINUTE: 3 });
  user = await makeUser(h, { passwordHash: await passwordHashFor("a long password") });
});
afterEach(async () => {
  await h.close();
});

async function formToken(agent: ReturnType<typeof request.agent>, path = "/login"): Promise<string> {
  const page = await agent.get(path).expect(200);
  const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
  expect(m).not.toBeNull();
  return m![1]!;
}

describe("web sessions", () => {
  it("refuse a form without its CSRF token, sign in with an HttpOnly SameSite cookie, and sign out for good", async () => {
    const agent = request.agent(h.app);
    const forged = await agent.post("/login").type("form").send({ email: user.email, password: "a long password" });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("did not come from this site");

    const token = await formToken(agent);
    const ok = await agent
      .post("/login")
      .type("form")
      .send({ _csrf: token, email: user.email, password: "a long password", next: "/tokens" });
    expect(ok.status, ok.text.slice(0, 3000)).toBe(303);
    expect(ok.headers.location).toBe("/tokens");
    const cookie = (ok.headers["set-cookie"] as unknown as string[]).find((c) => c.startsWith("rcp_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(await h.db.select().from(webSessions)).toHaveLength(1);
    expect((await agent.get("/tokens")).status).toBe(200);

    const logoutToken = await formToken(agent, "/tokens");
    await agent.post("/logout").type("form").send({ _csrf: logoutToken }).expect(303);
    expect(await h.db.select().from(webSessions)).toHaveLength(0);
    const after = await agent.get("/tokens").set("Accept", "text/html");
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe("/login?next=%2Ftokens");
  });

  it("notices are never taken from the query string: ?notice=, ?message=, ?error= show nothing", async () => {
    const marks = ["notice", "message", "error", "success", "flash", "info"];
    const query = "?" + marks.map((m) => `${m}=${encodeURIComponent(`<script>alert(1)</script>FORGED_${m}`)}`).join("&");
    const anonymous = request.agent(h.app);
    const signedIn = request.agent(h.app);
    const token = await formToken(signedIn);
    await signedIn.post("/login").type("form").send({ _csrf: token, email: user.email, password: "a long password" }).expect(303);
    const pages: [ReturnType<typeof request.agent>, string][] = [
      ...["/", "/assets", "/check", "/login", "/transparency"].map((p) => [anonymous, p] as [ReturnType<typeof request.agent>, string]),
      ...["/", "/works/mine", "/works/new", "/check", "/organizations", "/tokens"].map(
        (p) => [signedIn, p] as [ReturnType<typeof request.agent>, string],
      ),
    ];
    for (const [agent, path] of pages) {
      const page = await agent.get(path + query).set("accept", "text/html");
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain("FORGED_");
      expect(page.text, path).not.toContain("<script>alert");
      expect(page.text, path).not.toMatch(/class="notice/);
    }
  });

  it("an open redirect through ?next is refused", async () => {
    const agent = request.agent(h.app);
    const token = await formToken(agent);
    const res = await agent
      .post("/login")
      .type("form")
      .send({ _csrf: token, email: user.email, password: "a long password", next: "//evil.example/" });
    expect(res.headers.location).toBe("/");
  });

  it("slow down password guessing: after the limit, a 429 page", async () => {
    const agent = request.agent(h.app);
    const token = await formToken(agent);
    for (let i = 0; i < 3; i++) {
      const wrong = await agent.post("/login").type("form").send({ _csrf: token, email: user.email, password: "wrong" });
      expect(wrong.status).toBe(401);
    }
    const limited = await agent
      .post("/login")
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: token, email: user.email, password: "a long password" });
    expect(limited.status).toBe(429);
    expect(limited.text).toContain("Too many sign-in attempts");
  });

  it("unknown pages of any method are 404, not the CSRF refusal; a known form without its token still is 403", async () => {
    const agent = request.agent(h.app);
    await formToken(agent); // a browser with its cookies
    for (const method of ["post", "put", "patch", "delete"] as const) {
      for (const path of ["/nope", "/works/x/nope", "/organizations/1/nothing-here"]) {
        const res = await agent[method](path).set("Accept", "text/html").type("form").send("a=1");
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    }
    expect((await request(h.app).post("/nope").send("a=1")).status).toBe(404);
    expect((await agent.post("/logout").type("form").send("a=1")).status).toBe(403);
  });

  it("the API takes a session cookie for a write only with the page's CSRF token; bearer tokens need none", async () => {
    const agent = request.agent(h.app);
    const token = await formToken(agent);
    await agent.post("/login").type("form").send({ _csrf: token, email: user.email, password: "a long password" }).expect(303);
    const body = { name: "Cookie Co", kind: "commercial" };
    const forged = await agent.post("/api/v1/organizations").send(body);
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe("forbidden");
    expect(forged.body.detail).toContain("X-CSRF-Token");
    const wrong = await agent.post("/api/v1/organizations").set("X-CSRF-Token", "not-the-token").send(body);
    expect(wrong.status).toBe(403);
    expect((await agent.get("/api/v1/organizations")).status).toBe(200); // reads need no token
    const pageToken = await formToken(agent, "/tokens");
    expect((await agent.post("/api/v1/organizations").set("X-CSRF-Token", pageToken).send(body)).status).toBe(201);
    const bearer = await request(h.app)
      .post("/api/v1/organizations")
      .set(user.auth)
      .send({ ...body, name: "Bearer Co" });
    expect(bearer.status).toBe(201);
    // Unknown API paths stay 404 whatever the cookie.
    expect((await agent.post("/api/v1/nope").send(body)).status).toBe(404);
  });
});
