// Size facts (PRODUCT.md §2, §13): owners and treasurers declare them; a declaration that lowers a fee is
// billed as declared but listed for a treasurer; a rejected one gives way to the previous declaration, and
// the next billing run catches up the difference.
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { api, makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { addMember } from "../../src/organizations/add-member.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
});
afterEach(async () => {
  await h.close();
});

const declare = (orgId: number, who: TestUser, body: object) =>
  api(h).post(`/api/v1/organizations/${orgId}/facts`).set(who.auth).send(body);

describe("size facts", () => {
  it("are declared by owners and treasurers only, with evidence", async () => {
    const org = await c.org("Acme", "commercial");
    const member = await makeUser(h);
    await addMember(h.db, { organizationId: org.id, userId: member.id, role: "member", actorUserId: c.owner.id }, { clock: h.clock });
    const refused = await declare(org.id, member, { effectiveOn: "2026-01-01", headcount: 3 });
    expect(refused.status).toBe(403);
    const owned = await declare(org.id, c.owner, {
      effectiveOn: "2026-01-01",
      headcount: 30,
      evidenceUrl: "https://registry.example/acme/2025",
      evidenceNote: "Payroll of December",
    });
    expect(owned.status).toBe(201);
    expect(owned.body).toMatchObject({
      evidenceUrl: "https://registry.example/acme/2025",
      evidenceNote: "Payroll of December",
      review: null,
    });
    await declare(org.id, c.treasurer, { effectiveOn: "2026-02-01", headcount: 3 }).expect(201);
    const bad = await declare(org.id, c.owner, { effectiveOn: "2026-03-01", headcount: 3, evidenceUrl: "javascript:alert(1)" });
    expect(bad.status).toBe(422);
    // A treasurer's own declaration needs no review, even when it lowers the fee.
    expect((await api(h).get("/api/v1/size-facts/review-queue").set(c.treasurer.auth).expect(200)).body.sizeFacts).toEqual([]);
  });

  it("that lower a fee are billed as declared, listed for review, and once rejected replaced and caught up", async () => {
    const licensor = await c.org("Commons", "nonprofit");
    await c.work("tool", licensor.id);
    const org = await c.org("Acme", "commercial", { headcount: 60 });
    await c.use(org, { workSlug: "tool", purpose: "commercial", startedOn: "2026-01-01" });
    // From February, Acme says it has 5 people: the 1–9 band (120.00 a year) instead of 50–249 (2,400.00).
    const lower = await declare(org.id, c.owner, { effectiveOn: "2026-02-01", headcount: 5, evidenceNote: "we shrank" });
    expect(lower.body.review).toBe("pending");
    // Growing needs no review; revenue 0 always does.
    const zero = await makeUser(h);
    const other = await c.org("Zero Revenue Ltd", "commercial", { owner: zero });
    await declare(other.id, zero, { effectiveOn: "2026-01-01", headcount: 10 }).expect(201);
    await declare(other.id, zero, { effectiveOn: "2026-01-01", headcount: 20 }).expect(201);
    const revenueZero = await declare(other.id, zero, {
      effectiveOn: "2026-01-01",
      headcount: 20,
      annualRevenue: { amount: "0", currency: "EUR" },
    });
    expect(revenueZero.body.review).toBe("pending");

    await api(h).get("/api/v1/size-facts/review-queue").set(c.owner.auth).expect(403);
    const queue = (await api(h).get("/api/v1/size-facts/review-queue").set(c.treasurer.auth).expect(200)).body.sizeFacts;
    expect(
      queue.map((f: { organizationName: string; headcount: number; previous: { headcount: number } | null }) => [
        f.organizationName,
        f.headcount,
        f.previous?.headcount,
      ]),
    ).toEqual([
      ["Acme", 5, 60],
      ["Zero Revenue Ltd", 20, 20],
    ]);
    expect(queue[0].evidenceNote).toBe("we shrank");

    h.clock.set("2026-03-02T09:00:00Z");
    const feb = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-02" }).expect(201);
    const acmeFeb = feb.body.invoices.find((i: { organizationId: number }) => i.organizationId === org.id);
    expect(acmeFeb.total.amountMinor).toBe(1_000); // billed as declared: 120.00 / 12

    await api(h)
      .post(`/api/v1/size-facts/${lower.body.id}/review`)
      .set(c.owner.auth)
      .send({ decision: "rejected", reason: "x" })
      .expect(403);
    const rejected = await api(h)
      .post(`/api/v1/size-facts/${lower.body.id}/review`)
      .set(c.treasurer.auth)
      .send({ decision: "rejected", reason: "Registry says 58" });
    expect(rejected.status).toBe(201);
    await api(h)
      .post(`/api/v1/size-facts/${lower.body.id}/review`)
      .set(c.treasurer.auth)
      .send({ decision: "accepted", reason: "again" })
      .expect(409);
    const view = (await api(h).get(`/api/v1/organizations/${org.id}`).set(c.owner.auth).expect(200)).body;
    expect(view.sizeFacts.headcount).toBe(60);
    expect(view.sizeFactsHistory[0]).toMatchObject({ headcount: 5, review: "rejected", reviewReason: "Registry says 58" });
    expect((await api(h).get("/api/v1/size-facts/review-queue").set(c.treasurer.auth)).body.sizeFacts).toHaveLength(1);

    h.clock.set("2026-04-02T09:00:00Z");
    const march = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    const acmeMarch = march.body.invoices.find((i: { organizationId: number }) => i.organizationId === org.id);
    const lines = (await api(h).get(`/api/v1/invoices/${acmeMarch.number}`).set(c.treasurer.auth).expect(200)).body.lines;
    // March at 2,400.00 a year; February's difference: 20000 − 1000, with no day billed twice.
    expect(
      lines.map((l: { month: string; days: number; amount: { amountMinor: number }; description: string }) => [
        l.month,
        l.days,
        l.amount.amountMinor,
      ]),
    ).toEqual([
      ["2026-03", 31, 20_000],
      ["2026-02", 0, 19_000],
    ]);
    expect(lines[1].description).toContain("difference");
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("waiting for review are listed on the treasury page, and decided there", async () => {
    const org = await c.org("Acme", "commercial", { headcount: 60 });
    const lower = await declare(org.id, c.owner, { effectiveOn: "2026-02-01", headcount: 5, evidenceUrl: "https://acme.example/payroll" });
    const treasurer = await makeUser(h, { treasurer: true, passwordHash: await passwordHashFor("a long password") });
    const agent = request.agent(h.app);
    const login = await agent.get("/login").expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
    await agent.post("/login").type("form").send({ _csrf: token, email: treasurer.email, password: "a long password" }).expect(303);
    const page = await agent.get("/treasury").expect(200);
    expect(page.text).toContain("Size facts waiting for review");
    expect(page.text).toContain("https://acme.example/payroll");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await agent
      .post(`/treasury/size-facts/${lower.body.id}/review`)
      .type("form")
      .send({ _csrf: csrf, decision: "accepted", reason: "payroll seen" })
      .expect(303);
    expect((await api(h).get("/api/v1/size-facts/review-queue").set(c.treasurer.auth)).body.sizeFacts).toEqual([]);
    expect((await api(h).get(`/api/v1/organizations/${org.id}`).set(c.owner.auth)).body.sizeFacts).toMatchObject({
      headcount: 5,
      review: "accepted",
    });
  });
});
