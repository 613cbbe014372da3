import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { auditLog, invitations, sizeFacts } from "../../src/db/schema.js";
import { addMember } from "../../src/organizations/add-member.js";
import { api, dumpDatabase, makeHarness, makeUser, type Harness } from "../support/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

const evidence = {
  jurisdiction: "ES-CT",
  registryNumber: "F-12345",
  bylawsUrl: "https://coop.example/bylaws.pdf",
  workerOwnerCount: 12,
  distributesAllSurplus: true,
};

describe("organizations", () => {
  it("are created in each of the five kinds; the caller becomes owner", async () => {
    const u = await makeUser(h);
    for (const kind of ["commercial", "nonprofit", "individual", "public_body"]) {
      const res = await api(h)
        .post("/api/v1/organizations")
        .set(u.auth)
        .send({ name: `Org ${kind}`, kind, country: "DE" });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ kind, verificationStatus: null, cooperative: null, members: [{ userId: u.id, role: "owner" }] });
    }
    const coop = await api(h)
      .post("/api/v1/organizations")
      .set(u.auth)
      .send({ name: "Coop", kind: "worker_cooperative", githubLogins: ["Coop-Dev"], cooperative: evidence });
    expect(coop.status).toBe(201);
    expect(coop.body).toMatchObject({
      verificationStatus: "pending",
      githubLogins: ["coop-dev"],
      cooperative: { evidence: { ...evidence }, verificationHistory: [] },
    });
    const list = await api(h).get("/api/v1/organizations").set(u.auth).expect(200);
    expect(list.body.organizations).toHaveLength(5);
  });

  it("a worker cooperative must bring evidence; other kinds must not", async () => {
    const u = await makeUser(h);
    const before = await dumpDatabase(h.db);
    const a = await api(h).post("/api/v1/organizations").set(u.auth).send({ name: "C", kind: "worker_cooperative" });
    expect(a.status).toBe(422);
    expect(a.body.errors).toEqual([{ path: "/cooperative", message: expect.any(String) }]);
    const b = await api(h).post("/api/v1/organizations").set(u.auth).send({ name: "F", kind: "commercial", cooperative: evidence });
    expect(b.status).toBe(422);
    expect(await dumpDatabase(h.db)).toBe(before);
  });

  it("a GitHub login belongs to one organization", async () => {
    const u = await makeUser(h);
    await api(h)
      .post("/api/v1/organizations")
      .set(u.auth)
      .send({ name: "A", kind: "commercial", githubLogins: ["acme"] })
      .expect(201);
    const before = await dumpDatabase(h.db);
    const res = await api(h)
      .post("/api/v1/organizations")
      .set(u.auth)
      .send({ name: "B", kind: "commercial", githubLogins: ["ACME"] });
    expect(res.status).toBe(409);
    expect(await dumpDatabase(h.db)).toBe(before);
  });

  it("is hidden (404) from non-members, visible to members and treasurers", async () => {
    const owner = await makeUser(h);
    const stranger = await makeUser(h);
    const treasurer = await makeUser(h, { treasurer: true });
    const org = (await api(h).post("/api/v1/organizations").set(owner.auth).send({ name: "Acme", kind: "commercial" })).body;
    const hidden = await api(h).get(`/api/v1/organizations/${org.id}`).set(stranger.auth);
    expect(hidden.status).toBe(404);
    const missing = await api(h).get(`/api/v1/organizations/987654`).set(stranger.auth);
    expect(missing.status).toBe(404);
    expect(hidden.body.detail).toBe(missing.body.detail);
    await api(h).get(`/api/v1/organizations/${org.id}`).set(owner.auth).expect(200);
    await api(h).get(`/api/v1/organizations/${org.id}`).set(treasurer.auth).expect(200);
    await api(h)
      .post(`/api/v1/organizations/${org.id}/facts`)
      .set(stranger.auth)
      .send({ effectiveOn: "2026-01-01", headcount: 3 })
      .expect(404);
    expect((await api(h).get("/api/v1/organizations").set(stranger.auth)).body.organizations).toEqual([]);
    expect((await api(h).get("/api/v1/organizations").set(treasurer.auth)).body.organizations).toHaveLength(1);
  });

  it("owners invite members by email; the invitee becomes a member only by accepting; members cannot invite", async () => {
    const owner = await makeUser(h);
    const inviteeName = "Ines Invitee";
    const member = await makeUser(h, { name: inviteeName });
    const org = (await api(h).post("/api/v1/organizations").set(owner.auth).send({ name: "Acme", kind: "commercial" })).body;
    const invited = await api(h)
      .post(`/api/v1/organizations/${org.id}/members`)
      .set(owner.auth)
      .send({ email: member.email.toUpperCase(), role: "member" })
      .expect(201);
    expect(invited.body).toMatchObject({ organizationId: org.id, email: member.email, role: "member" });
    // An address without a user is answered alike: nothing tells whether an email has an account here.
    const unknown = await api(h)
      .post(`/api/v1/organizations/${org.id}/members`)
      .set(owner.auth)
      .send({ email: "nobody@example.org", role: "member" })
      .expect(201);
    const apart = (body: Record<string, unknown>) => ({ ...body, id: 0, email: "" });
    expect(apart(unknown.body)).toEqual(apart(invited.body));
    // The old body (a user id) adds no one.
    await api(h).post(`/api/v1/organizations/${org.id}/members`).set(owner.auth).send({ userId: member.id, role: "member" }).expect(422);
    let view = await api(h).get(`/api/v1/organizations/${org.id}`).set(owner.auth).expect(200);
    expect(view.body.members.map((m: { userId: number }) => m.userId)).toEqual([owner.id]);
    // Inviting an address shows nothing of the account behind it: not its name, not that it exists.
    expect(JSON.stringify([invited.body, view.body])).not.toContain(inviteeName);
    const [row] = await h.db.select().from(invitations).where(eq(invitations.id, invited.body.id));
    expect(row?.acceptedAt).toBeNull();
    await addMember(h.db, { organizationId: org.id, userId: member.id, role: "member", actorUserId: owner.id }, { clock: h.clock });
    const refused = await api(h)
      .post(`/api/v1/organizations/${org.id}/members`)
      .set(member.auth)
      .send({ email: "x@example.org", role: "member" });
    expect(refused.status).toBe(403);
    view = await api(h).get(`/api/v1/organizations/${org.id}`).set(member.auth).expect(200);
    expect(view.body.members.map((m: { userId: number; role: string }) => [m.userId, m.role])).toEqual([
      [owner.id, "owner"],
      [member.id, "member"],
    ]);
  });

  it("owners replace their GitHub logins; a login taken elsewhere is refused; members cannot", async () => {
    const owner = await makeUser(h);
    const member = await makeUser(h);
    const org = (
      await api(h)
        .post("/api/v1/organizations")
        .set(owner.auth)
        .send({ name: "Acme", kind: "commercial", githubLogins: ["acme"] })
    ).body;
    await api(h)
      .post("/api/v1/organizations")
      .set(owner.auth)
      .send({ name: "Other", kind: "commercial", githubLogins: ["taken"] })
      .expect(201);
    await addMember(h.db, { organizationId: org.id, userId: member.id, role: "member", actorUserId: owner.id }, { clock: h.clock });
    const res = await api(h)
      .put(`/api/v1/organizations/${org.id}/github-logins`)
      .set(owner.auth)
      .send({ logins: ["Acme-Labs", "acme"] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ githubLogins: ["acme", "acme-labs"] });
    const before = await dumpDatabase(h.db);
    expect(
      (
        await api(h)
          .put(`/api/v1/organizations/${org.id}/github-logins`)
          .set(owner.auth)
          .send({ logins: ["taken"] })
      ).status,
    ).toBe(409);
    expect((await api(h).put(`/api/v1/organizations/${org.id}/github-logins`).set(member.auth).send({ logins: [] })).status).toBe(403);
    expect(
      (
        await api(h)
          .put(`/api/v1/organizations/${org.id}/github-logins`)
          .set(owner.auth)
          .send({ logins: ["not a login!"] })
      ).status,
    ).toBe(422);
    expect(await dumpDatabase(h.db)).toBe(before);
  });

  it("size facts are versioned by effective date; the current one is in force today", async () => {
    const u = await makeUser(h);
    const org = (await api(h).post("/api/v1/organizations").set(u.auth).send({ name: "Acme", kind: "commercial" })).body;
    const f1 = await api(h)
      .post(`/api/v1/organizations/${org.id}/facts`)
      .set(u.auth)
      .send({ effectiveOn: "2025-01-01", headcount: 8, annualRevenue: { amount: "500000.00", currency: "EUR" } });
    expect(f1.status).toBe(201);
    expect(f1.body.annualRevenue).toEqual({ amountMinor: 50_000_000, currency: "EUR", formatted: "EUR 500,000.00" });
    // A revenue in another currency than the schedule's (EUR) would cap nothing: refused while no rate is recorded.
    const yen = await api(h)
      .post(`/api/v1/organizations/${org.id}/facts`)
      .set(u.auth)
      .send({ effectiveOn: "2026-03-01", headcount: 40, annualRevenue: { amountMinor: 123, currency: "JPY" } });
    expect(yen.body.code).toBe("revenue_currency_mismatch");
    await api(h)
      .post(`/api/v1/organizations/${org.id}/facts`)
      .set(u.auth)
      .send({ effectiveOn: "2026-03-01", headcount: 40, annualRevenue: { amountMinor: 123, currency: "EUR" } })
      .expect(201);
    await api(h).post(`/api/v1/organizations/${org.id}/facts`).set(u.auth).send({ effectiveOn: "2026-06-01", headcount: 300 }).expect(201);
    const view = (await api(h).get(`/api/v1/organizations/${org.id}`).set(u.auth)).body;
    expect(view.sizeFacts).toMatchObject({
      effectiveOn: "2026-03-01",
      headcount: 40,
      annualRevenue: { amountMinor: 123, currency: "EUR" },
      review: "pending",
    });
    expect(view.sizeFactsHistory.map((f: { effectiveOn: string }) => f.effectiveOn)).toEqual(["2026-06-01", "2026-03-01", "2025-01-01"]);
    expect(await h.db.select().from(sizeFacts)).toHaveLength(3);
  });
});

describe("cooperative verification", () => {
  async function makeCoop() {
    const owner = await makeUser(h);
    const treasurer = await makeUser(h, { treasurer: true });
    const org = (
      await api(h).post("/api/v1/organizations").set(owner.auth).send({ name: "Coop", kind: "worker_cooperative", cooperative: evidence })
    ).body;
    return { owner, treasurer, org };
  }

  it("pending → verified by a treasurer, with the decision kept in history and the audit log", async () => {
    const { owner, treasurer, org } = await makeCoop();
    const refused = await api(h)
      .post(`/api/v1/organizations/${org.id}/verification`)
      .set(owner.auth)
      .send({ decision: "verified", reason: "self" });
    expect(refused.status).toBe(403);
    const ok = await api(h)
      .post(`/api/v1/organizations/${org.id}/verification`)
      .set(treasurer.auth)
      .send({ decision: "verified", reason: "Registry entry checked" });
    expect(ok.status).toBe(201);
    const view = (await api(h).get(`/api/v1/organizations/${org.id}`).set(owner.auth)).body;
    expect(view.verificationStatus).toBe("verified");
    expect(view.cooperative.verificationHistory).toEqual([
      expect.objectContaining({ decision: "verified", reason: "Registry entry checked", decidedBy: treasurer.id }),
    ]);
    const again = await api(h)
      .post(`/api/v1/organizations/${org.id}/verification`)
      .set(treasurer.auth)
      .send({ decision: "rejected", reason: "changed my mind" });
    expect(again.status).toBe(409);
    const audit = (
      await h.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityType, "organization"), eq(auditLog.entityId, String(org.id))))
        .orderBy(asc(auditLog.id))
    ).map((a) => a.action);
    expect(audit).toEqual(["organization.created", "organization.verified"]);
    const log = await api(h).get(`/api/v1/audit-log?entityType=organization&entityId=${org.id}`).set(treasurer.auth).expect(200);
    expect(log.body.entries[0]).toMatchObject({
      action: "organization.verified",
      before: { verificationStatus: "pending" },
      after: { verificationStatus: "verified" },
      actor: { userId: treasurer.id },
    });
    await api(h).get("/api/v1/audit-log").set(owner.auth).expect(403);
  });

  it("a rejected cooperative resubmits evidence and returns to the queue", async () => {
    const { owner, treasurer, org } = await makeCoop();
    await api(h)
      .post(`/api/v1/organizations/${org.id}/verification`)
      .set(treasurer.auth)
      .send({ decision: "rejected", reason: "Bylaws allow outside shareholders" })
      .expect(201);
    const resubmitted = await api(h)
      .post(`/api/v1/organizations/${org.id}/cooperative-evidence`)
      .set(owner.auth)
      .send({ ...evidence, bylawsUrl: "https://coop.example/bylaws-v2.pdf" });
    expect(resubmitted.status).toBe(201);
    expect(resubmitted.body.verificationStatus).toBe("pending");
    await api(h)
      .post(`/api/v1/organizations/${org.id}/verification`)
      .set(treasurer.auth)
      .send({ decision: "verified", reason: "Amended bylaws" })
      .expect(201);
    const view = (await api(h).get(`/api/v1/organizations/${org.id}`).set(owner.auth)).body;
    expect(view.cooperative.verificationHistory.map((d: { decision: string }) => d.decision)).toEqual(["rejected", "verified"]);
    expect(view.cooperative.evidence.bylawsUrl).toBe("https://coop.example/bylaws-v2.pdf");
  });

  it("only cooperatives are verified", async () => {
    const owner = await makeUser(h);
    const treasurer = await makeUser(h, { treasurer: true });
    const org = (await api(h).post("/api/v1/organizations").set(owner.auth).send({ name: "Firm", kind: "commercial" })).body;
    const res = await api(h)
      .post(`/api/v1/organizations/${org.id}/verification`)
      .set(treasurer.auth)
      .send({ decision: "verified", reason: "x" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("invalid_state");
  });
});

describe("one pagination scheme", () => {
  it("organizations, tokens and the audit log page by cursor with a next link", async () => {
    const h2 = await makeHarness();
    try {
      const t = await makeUser(h2, { treasurer: true });
      for (const name of ["A", "B", "C"]) {
        const res = await api(h2).post("/api/v1/organizations").set(t.auth).send({ name, kind: "commercial" }).expect(201);
        expect(res.headers.location).toMatch(new RegExp(`/api/v1/organizations/${res.body.id}$`));
      }
      for (const path of ["/api/v1/organizations", "/api/v1/audit-log", `/api/v1/users/${t.id}/tokens`]) {
        const first = await api(h2).get(`${path}?limit=2`).set(t.auth).expect(200);
        const key = Object.keys(first.body).find((k) => k !== "next")!;
        const all = (await api(h2).get(path).set(t.auth).expect(200)).body[key] as unknown[];
        if (all.length <= 2) {
          expect(first.body.next, path).toBeNull();
          continue;
        }
        expect(first.body.next, path).toContain("cursor=");
        const second = await api(h2)
          .get(new URL(first.body.next as string).pathname + new URL(first.body.next as string).search)
          .set(t.auth)
          .expect(200);
        expect([...first.body[key], ...second.body[key]].slice(0, all.length), path).toEqual(
          all.slice(0, first.body[key].length + second.body[key].length),
        );
      }
      const me = await api(h2).get(`/api/v1/users/${t.id}`).set(t.auth).expect(200);
      expect(me.body.id).toBe(t.id);
    } finally {
      await h2.close();
    }
  });
});
