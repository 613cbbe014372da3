// No forged grants (PRODUCT.md §13): text that reaches a signed document refuses control characters
// with a 422 naming the field, and a grant whose every field holds hostile (but allowed) text reads back
// to exactly the intended fields.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";
import { verifySignature } from "../../src/grants/signing-key.js";
import { parseGrantDocument } from "../../src/grants/grant-document.js";

let h: Harness;
let treasurer: TestUser;
let user: TestUser;

beforeEach(async () => {
  h = await makeHarness();
  treasurer = await makeUser(h, { treasurer: true });
  user = await makeUser(h);
});
afterEach(async () => {
  await h.close();
});

const CONTROL = ["\n", "\r", "\t", "\u0000", "\u001b[31m", "\u007f", "\u0085", "\u2028", "\u2029", "\u202e", "\u2066"];

const evidence = {
  jurisdiction: "ES",
  registryNumber: "F-1",
  bylawsUrl: "https://coop.example/bylaws",
  workerOwnerCount: 3,
  distributesAllSurplus: true,
};

describe("text that reaches a signed document", () => {
  it("refuses control characters with a 422 naming the field, in every schema that carries such text", async () => {
    const licensor = (await api(h).post("/api/v1/organizations").set(user.auth).send({ name: "Commons", kind: "nonprofit" }).expect(201))
      .body;
    for (const c of CONTROL) {
      const cases: [string, object, string][] = [
        ["/api/v1/organizations", { name: `Acme${c}Licensee:     Mallory`, kind: "commercial" }, "/name"],
        [
          "/api/v1/organizations",
          { name: "Coop", kind: "worker_cooperative", cooperative: { ...evidence, jurisdiction: `E${c}S` } },
          "/cooperative/jurisdiction",
        ],
        ["/api/v1/works", { packages: ["pkg:npm/x"], licensorOrganizationId: licensor.id, title: `Tool${c}Work: forged (x)` }, "/title"],
        ["/api/v1/works", { packages: ["pkg:npm/x"], licensorOrganizationId: licensor.id, description: `a${c}b` }, "/description"],
        ["/api/v1/users", { email: "someone@example.org", name: `Some${c}one` }, "/name"],
      ];
      for (const [path, body, field] of cases) {
        const res = await api(h).post(path).set(treasurer.auth).send(body);
        expect(res.status, `${JSON.stringify(c)} in ${field} of ${path}`).toBe(422);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      }
    }
  });

  it("a grant whose every field holds hostile text reads back to exactly the intended fields", async () => {
    const names = {
      licensee: 'Acme (organization 999) "<b>&amp;</b>" {{id}} Work:   x (y)',
      licensor: "Licensor:     Ünïcødé Coöp 🏳️‍🌈 \\n %0A ) (organization 1)",
      title: "Title (forged-slug) Licensee:     Mallory (organization 1) Period:  2020-01-01 to 2099-12-31",
    };
    const licensor = (
      await api(h).post("/api/v1/organizations").set(user.auth).send({ name: names.licensor, kind: "nonprofit" }).expect(201)
    ).body;
    const work = (
      await api(h)
        .post("/api/v1/works")
        .set(user.auth)
        .send({
          title: names.title,
          repository: "https://gitlab.com/evil-coop/Work-Licensee",
          packages: ["pkg:npm/%40evil/pkg", "pkg:npm/a.b-c"],
          licensorOrganizationId: licensor.id,
        })
        .expect(201)
    ).body;
    await api(h)
      .post(`/api/v1/works/${work.slug}/verification`)
      .set(treasurer.auth)
      .send({ decision: "verified", reason: "checked" })
      .expect(200);
    const firm = (await api(h).post("/api/v1/organizations").set(user.auth).send({ name: names.licensee, kind: "commercial" }).expect(201))
      .body;
    await api(h)
      .post(`/api/v1/organizations/${firm.id}/facts`)
      .set(user.auth)
      .send({ effectiveOn: "2026-01-01", headcount: 3 })
      .expect(201);
    await api(h)
      .post(`/api/v1/organizations/${firm.id}/usages`)
      .set(user.auth)
      .send({ workSlug: work.slug, purpose: "commercial", startedOn: "2026-02-01" })
      .expect(201);
    await api(h).post("/api/v1/billing-runs").set(treasurer.auth).send({ month: "2026-02" }).expect(201);
    const invoice = (await api(h).get("/api/v1/invoices?month=2026-02").set(treasurer.auth).expect(200)).body.invoices[0];
    await api(h)
      .post(`/api/v1/invoices/${invoice.number}/payments`)
      .set(treasurer.auth)
      .set("Idempotency-Key", "hostile-1")
      .send({ amount: { amountMinor: invoice.total.amountMinor, currency: "EUR" }, paidOn: "2026-03-15", reference: "bank" })
      .expect(201);
    const [listed] = (await api(h).get(`/api/v1/organizations/${firm.id}/grants`).set(user.auth).expect(200)).body.grants;
    const grant = (await api(h).get(`/api/v1/grants/${listed.id}`).expect(200)).body;
    const publicKey = (await api(h).get("/.well-known/reciprocity-signing-key").expect(200)).text;
    expect(verifySignature(publicKey, grant.document, grant.signature)).toBe(true);
    expect(parseGrantDocument(grant.document)).toEqual({
      id: listed.id,
      licenseeName: names.licensee,
      licenseeId: firm.id,
      workTitle: names.title,
      workSlug: work.slug,
      repositoryUrl: "https://gitlab.com/evil-coop/Work-Licensee",
      packages: ["pkg:npm/%40evil/pkg", "pkg:npm/a.b-c"],
      licensorName: names.licensor,
      periodStart: "2026-02-01",
      periodEnd: "2026-02-28",
      invoiceNumber: invoice.number,
      issuedAt: h.clock.now().toISOString(),
    });
  });
});
