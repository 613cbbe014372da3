// Bad input gets a clear problem and changes nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, dumpDatabase, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";

let h: Harness;
let u: TestUser;
let orgId: number;
let before: string;

beforeEach(async () => {
  h = await makeHarness();
  u = await makeUser(h);
  orgId = (await api(h).post("/api/v1/organizations").set(u.auth).send({ name: "Acme", kind: "commercial" })).body.id;
  before = await dumpDatabase(h.db);
});
afterEach(async () => {
  try {
    expect(await dumpDatabase(h.db)).toBe(before);
  } finally {
    await h.close();
  }
});

function expectProblem(
  res: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    code,
    type: expect.stringContaining(code.replaceAll("_", "-")),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
}

describe("validation failures", () => {
  it("missing fields", async () => {
    const res = await api(h).post("/api/v1/organizations").set(u.auth).send({});
    expectProblem(res, 422, "validation_failed");
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "/name" }), expect.objectContaining({ path: "/kind" })]),
    );
  });

  it("wrong types", async () => {
    const res = await api(h).post("/api/v1/organizations").set(u.auth).send({ name: 42, kind: "commercial" });
    expectProblem(res, 422, "validation_failed");
    expect(res.body.errors).toEqual([expect.objectContaining({ path: "/name" })]);
  });

  it("an unknown kind", async () => {
    const res = await api(h).post("/api/v1/organizations").set(u.auth).send({ name: "X", kind: "megacorp" });
    expectProblem(res, 422, "validation_failed");
    expect(res.body.errors).toEqual([expect.objectContaining({ path: "/kind" })]);
  });

  it("an unknown field", async () => {
    const res = await api(h).post("/api/v1/organizations").set(u.auth).send({ name: "X", kind: "commercial", colour: "red" });
    expectProblem(res, 422, "validation_failed");
    expect(res.body.errors).toEqual([{ path: "/colour", message: "is not a known field" }]);
  });

  it("a negative headcount", async () => {
    const res = await api(h).post(`/api/v1/organizations/${orgId}/facts`).set(u.auth).send({ effectiveOn: "2026-01-01", headcount: -1 });
    expectProblem(res, 422, "validation_failed");
    expect(res.body.errors).toEqual([{ path: "/headcount", message: "must not be negative" }]);
  });

  it("a date that is not a calendar date", async () => {
    const res = await api(h).post(`/api/v1/organizations/${orgId}/facts`).set(u.auth).send({ effectiveOn: "2026-02-30", headcount: 1 });
    expectProblem(res, 422, "validation_failed");
    expect(res.body.errors).toEqual([{ path: "/effectiveOn", message: "is not a calendar date" }]);
  });

  it("revenue with more decimals than the currency allows", async () => {
    const eur = await api(h)
      .post(`/api/v1/organizations/${orgId}/facts`)
      .set(u.auth)
      .send({ effectiveOn: "2026-01-01", headcount: 1, annualRevenue: { amount: "10.005", currency: "EUR" } });
    expectProblem(eur, 422, "validation_failed");
    expect(eur.body.errors).toEqual([{ path: "/annualRevenue/amount", message: "EUR allows at most 2 decimals" }]);
    const jpy = await api(h)
      .post(`/api/v1/organizations/${orgId}/facts`)
      .set(u.auth)
      .send({ effectiveOn: "2026-01-01", headcount: 1, annualRevenue: { amount: "10.5", currency: "JPY" } });
    expect(jpy.body.errors).toEqual([{ path: "/annualRevenue/amount", message: "JPY has no minor unit: no decimals allowed" }]);
  });

  it("a JSON number where a decimal string is required", async () => {
    const res = await api(h)
      .post(`/api/v1/organizations/${orgId}/facts`)
      .set(u.auth)
      .send({ effectiveOn: "2026-01-01", headcount: 1, annualRevenue: { amount: 1000.5, currency: "EUR" } });
    expectProblem(res, 422, "validation_failed");
    expect(res.body.errors).toEqual([{ path: "/annualRevenue/amount", message: expect.stringContaining("not a JSON number") }]);
  });

  it("an unknown currency and negative revenue", async () => {
    const res = await api(h)
      .post(`/api/v1/organizations/${orgId}/facts`)
      .set(u.auth)
      .send({ effectiveOn: "2026-01-01", headcount: 1, annualRevenue: { amount: "-5.00", currency: "XYZ" } });
    expectProblem(res, 422, "validation_failed");
    expect(res.body.errors).toEqual([{ path: "/annualRevenue/currency", message: "is not an ISO 4217 currency" }]);
    const neg = await api(h)
      .post(`/api/v1/organizations/${orgId}/facts`)
      .set(u.auth)
      .send({ effectiveOn: "2026-01-01", headcount: 1, annualRevenue: { amount: "-5.00", currency: "EUR" } });
    expect(neg.body.errors).toEqual([{ path: "/annualRevenue/amount", message: "must not be negative" }]);
  });

  it("an oversized body", async () => {
    const res = await api(h)
      .post("/api/v1/organizations")
      .set(u.auth)
      .set("content-type", "application/json")
      .send(JSON.stringify({ name: "x".repeat(2 * 1024 * 1024), kind: "commercial" }));
    expectProblem(res, 413, "payload_too_large");
  });

  it("malformed JSON", async () => {
    const res = await api(h).post("/api/v1/organizations").set(u.auth).set("content-type", "application/json").send('{"name": "x",');
    expectProblem(res, 400, "malformed_json");
  });

  it("a wrong content type", async () => {
    const res = await api(h).post("/api/v1/organizations").set(u.auth).set("content-type", "text/plain").send("name=x&kind=commercial");
    expectProblem(res, 415, "unsupported_media_type");
    const form = await api(h).post("/api/v1/organizations").set(u.auth).type("form").send({ name: "x", kind: "commercial" });
    expectProblem(form, 415, "unsupported_media_type");
  });

  it("an unknown route and a non-numeric id are 404 problems", async () => {
    expectProblem(await api(h).get("/api/v1/nothing-here").set(u.auth), 404, "not_found");
    expectProblem(await api(h).get("/api/v1/organizations/abc").set(u.auth), 404, "not_found");
  });
});
