// Who may do what in distribution, and bad input: 4xx with field errors, nothing changed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addMember } from "../../src/organizations/add-member.js";
import { api, makeHarness, makeUser, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
  h.clock.set("2026-05-02T09:00:00Z");
});
afterEach(async () => {
  await h.close();
});

describe("distribution access and validation", () => {
  it("runs and policies are for treasurers; months must have ended and run in order", async () => {
    const t = c.treasurer.auth;
    await api(h).post("/api/v1/distribution-runs").set(c.owner.auth).send({ month: "2026-04" }).expect(403);
    await api(h).get("/api/v1/distribution-policies").set(c.owner.auth).expect(403);
    await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-05" }).expect(422);
    const first = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-04" }).expect(201);
    // An empty month: nothing to allocate, the seeded policy's operations bucket names no payee.
    expect(first.body).toMatchObject({ pool: { amountMinor: 0 }, allocations: [], status: "draft" });
    expect(first.body.exceptions.map((e: { kind: string }) => e.kind)).toEqual(["no_payee_organization"]);
    await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-03" }).expect(409);
    await api(h).post(`/api/v1/distribution-runs/${first.body.id}/approve`).set(t).expect(200);
    await api(h).post("/api/v1/distribution-runs/999999/approve").set(t).expect(404);
    const policies = await api(h).get("/api/v1/distribution-policies").set(t).expect(200);
    expect(policies.body.distributionPolicies).toEqual([
      expect.objectContaining({ effectiveOn: "2000-01-01", usedByDistributionRun: true }),
    ]);
  });

  it("refuses policies whose shares do not sum to 10,000 or whose fixed bucket names no payee", async () => {
    const bad = await api(h)
      .post("/api/v1/distribution-policies")
      .set(c.treasurer.auth)
      .send({
        effectiveOn: "2027-01-01",
        currency: "EUR",
        minimumPayout: { amount: "1.00", currency: "EUR" },
        buckets: [
          { key: "licensors", kind: "licensors", shareBps: 6000 },
          { key: "ops", kind: "fixed", shareBps: 3000 },
        ],
      });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(["/buckets", "/buckets/1/payeeOrganizationId"]);
  });

  it("splits: the licensor's owners set them, within Drips' limits", async () => {
    const licensor = await c.org("Licensor", "worker_cooperative");
    await c.work("tool", licensor.id);
    const member = await makeUser(h);
    await addMember(h.db, { organizationId: licensor.id, userId: member.id, role: "member", actorUserId: c.owner.id }, { clock: h.clock });
    const outsider = await makeUser(h);
    const others = await Promise.all([1, 2].map((i) => c.org(`Receiver ${i}`, "individual")));
    const put = (auth: { Authorization: string }, receivers: object[]) =>
      api(h).put("/api/v1/works/tool/splits").set(auth).send({ receivers });
    await put(member.auth, [{ organizationId: others[0]!.id, weight: 10 }]).expect(403);
    await put(outsider.auth, [{ organizationId: others[0]!.id, weight: 10 }]).expect(404);
    const over = await put(c.owner.auth, [
      { organizationId: others[0]!.id, weight: 600_000 },
      { organizationId: others[1]!.id, weight: 400_001 },
    ]);
    expect(over.status).toBe(422);
    expect(over.body.errors[0].message).toContain("more than 1000000");
    const many = Array.from({ length: 201 }, (_, i) => ({ organizationId: i + 1000, weight: 1 }));
    expect((await put(c.owner.auth, many)).body.errors[0].message).toContain("at most 200 receivers");
    await put(c.owner.auth, [{ organizationId: 999_999, weight: 1 }]).expect(422);
    const ok = await put(c.owner.auth, [
      { organizationId: others[1]!.id, weight: 1 },
      { organizationId: others[0]!.id, weight: 2 },
    ]).expect(200);
    const ids = others.map((o) => o.id).sort((a, b) => a - b);
    expect(ok.body).toMatchObject({ totalWeight: 3, receivers: ids.map((organizationId) => ({ organizationId })) });
    await api(h).get("/api/v1/works/tool/splits").set(c.treasurer.auth).expect(200);
  });

  it("payee details: owners only, IBAN checked; no batch when nothing is due", async () => {
    const org = await c.org("Payee", "individual");
    const member = await makeUser(h);
    await addMember(h.db, { organizationId: org.id, userId: member.id, role: "member", actorUserId: c.owner.id }, { clock: h.clock });
    await api(h).get(`/api/v1/organizations/${org.id}/payee`).set(c.owner.auth).expect(404);
    const bad = await api(h)
      .put(`/api/v1/organizations/${org.id}/payee`)
      .set(c.owner.auth)
      .send({ legalName: "P", country: "DE", iban: "DE00 0000 0000 0000 0000 00" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ path: "/iban", message: "is not a valid IBAN (check digits)" }]);
    await api(h)
      .put(`/api/v1/organizations/${org.id}/payee`)
      .set(c.owner.auth)
      .send({ legalName: "P", country: "DE", iban: "DE89370400440532013000" })
      .expect(200);
    await api(h).get(`/api/v1/organizations/${org.id}/payee`).set(member.auth).expect(403);
    await api(h).get(`/api/v1/organizations/${org.id}/income`).set(member.auth).expect(200);
    await api(h).post("/api/v1/payout-batches").set(c.treasurer.auth).send({ executionDate: "2026-05-04" }).expect(409);
    await api(h).post("/api/v1/payout-batches").set(c.treasurer.auth).send({ executionDate: "2026-04-04" }).expect(422);
  });
});
