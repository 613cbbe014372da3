import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { apiTokens, auditLog, users } from "../../src/db/schema.js";
import { bootstrapTreasurer } from "../../src/accounts/bootstrap-treasurer.js";
import { verifyPassword } from "../../src/accounts/passwords.js";
import { api, dumpDatabase, makeHarness, makeUser, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

describe("users", () => {
  it("a treasurer creates a user, with the password hashed", async () => {
    const t = await makeUser(h, { treasurer: true });
    const res = await api(h).post("/api/v1/users").set(t.auth).send({ email: "Ada@Example.org", name: "Ada", password: "correct horse" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: "ada@example.org", name: "Ada", isTreasurer: false });
    const [row] = await h.db.select().from(users).where(eq(users.id, res.body.id));
    expect(row!.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword("correct horse", row!.passwordHash!)).toBe(true);
    expect(await verifyPassword("wrong", row!.passwordHash!)).toBe(false);
    const audit = await h.db.select().from(auditLog).where(eq(auditLog.action, "user.created")).orderBy(asc(auditLog.id));
    expect(audit.at(-1)).toMatchObject({ actorUserId: t.id, entityId: String(res.body.id) });
  });

  it("refuses a duplicate email with 409 and changes nothing", async () => {
    const t = await makeUser(h, { treasurer: true });
    await api(h).post("/api/v1/users").set(t.auth).send({ email: "bo@example.org", name: "Bo" }).expect(201);
    const before = await dumpDatabase(h.db);
    const res = await api(h).post("/api/v1/users").set(t.auth).send({ email: "BO@example.org", name: "Bo again" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("email_taken");
    expect(await dumpDatabase(h.db)).toBe(before);
  });

  it("is refused to a non-treasurer (403) and to an anonymous caller (401)", async () => {
    const u = await makeUser(h);
    const forbidden = await api(h).post("/api/v1/users").set(u.auth).send({ email: "x@example.org", name: "X" });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(forbidden.body).toMatchObject({ status: 403, code: "forbidden", title: "Forbidden" });
    const anon = await api(h).post("/api/v1/users").send({ email: "x@example.org", name: "X" });
    expect(anon.status).toBe(401);
    expect(anon.body.code).toBe("unauthenticated");
    expect(anon.headers["www-authenticate"]).toContain("Bearer");
  });

  it("rejects an unknown bearer token", async () => {
    const res = await api(h).get("/api/v1/users/me").set("Authorization", "Bearer rcp_nope_nope_nope_nope");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("unauthenticated");
    const malformed = await api(h).get("/api/v1/users/me").set("Authorization", "Basic abc");
    expect(malformed.status).toBe(401);
  });
});

describe("API tokens", () => {
  it("are shown once, stored as SHA-256, record their last use and can be revoked", async () => {
    const u = await makeUser(h);
    const created = await api(h).post(`/api/v1/users/${u.id}/tokens`).set(u.auth).send({ name: "ci" });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^rcp_[A-Za-z0-9_-]{43}$/);
    const [stored] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, created.body.id));
    expect(stored!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret.slice(10));
    expect(stored!.lastUsedAt).toBeNull();

    h.clock.set("2026-03-15T11:00:00Z");
    await api(h).get("/api/v1/users/me").set("Authorization", `Bearer ${secret}`).expect(200);
    const [used] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, created.body.id));
    expect(used!.lastUsedAt).toBe("2026-03-15T11:00:00.000Z");

    const list = await api(h).get(`/api/v1/users/${u.id}/tokens`).set(u.auth).expect(200);
    expect(list.body.tokens.map((t: { name: string }) => t.name)).toEqual(["test", "ci"]);
    expect(JSON.stringify(list.body)).not.toContain(secret);

    await api(h).delete(`/api/v1/users/${u.id}/tokens/${created.body.id}`).set(u.auth).expect(200);
    const after = await api(h).get("/api/v1/users/me").set("Authorization", `Bearer ${secret}`);
    expect(after.status).toBe(401);
  });

  it("cannot be made for another user unless by a treasurer; the answer does not reveal the user", async () => {
    const a = await makeUser(h);
    const b = await makeUser(h);
    const t = await makeUser(h, { treasurer: true });
    const res = await api(h).post(`/api/v1/users/${b.id}/tokens`).set(a.auth).send({});
    expect(res.status).toBe(404);
    await api(h).post(`/api/v1/users/${b.id}/tokens`).set(t.auth).send({ name: "for b" }).expect(201);
    await api(h).post(`/api/v1/users/999999/tokens`).set(t.auth).send({}).expect(404);
  });
});

describe("bootstrap treasurer", () => {
  it("creates the first treasurer once, with password and token as given", async () => {
    const input = { email: "Treasurer@Commune.example", password: "a long password", token: "rcp_bootstrap_secret_1234567890" };
    expect(await bootstrapTreasurer(h.db, input, { clock: h.clock })).toBe("created");
    expect(await bootstrapTreasurer(h.db, input, { clock: h.clock })).toBe("exists");
    const treasurers = await h.db.select().from(users).where(eq(users.isTreasurer, true));
    expect(treasurers).toHaveLength(1);
    expect(treasurers[0]!.email).toBe("treasurer@commune.example");
    expect(await verifyPassword("a long password", treasurers[0]!.passwordHash!)).toBe(true);
    const me = await api(h).get("/api/v1/users/me").set("Authorization", `Bearer ${input.token}`).expect(200);
    expect(me.body).toMatchObject({ isTreasurer: true });
  });

  it("does nothing when not configured", async () => {
    expect(await bootstrapTreasurer(h.db, { email: undefined, password: undefined, token: undefined }, { clock: h.clock })).toBe(
      "not_configured",
    );
    expect(await h.db.select().from(users)).toHaveLength(0);
  });
});
