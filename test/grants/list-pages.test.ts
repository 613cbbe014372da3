// An organization's grants page in the database, not in memory: the API's `?cursor=` walk and the organization
// page's "Next page" show every grant once, newest month first, then by work and id, whatever their number.
import request from "supertest";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../src/http/pagination.js";
import { grants, invoices } from "../../src/db/schema.js";
import { ORG_GRANTS_PER_PAGE } from "../../src/web/organizations.pages.js";
import { api, makeHarness, makeUser, passwordHashFor, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { expectBadCursor, expectWalk } from "../support/pages.js";

const PASSWORD = "a long password";
const MONTHS = 24;
let h: Harness;
let c: Commune;
let firmId: number;
/** Every grant inserted, in the order the lists must show them. */
let expected: { id: string; month: string; workSlug: string }[];

const codePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
  h.clock.set("2026-01-01T09:00:00Z");
  const licensor = await c.org("Commons Coop", "nonprofit");
  const works = [await c.work("beta-tool", licensor.id), await c.work("alpha-tool", licensor.id), await c.work("gamma-tool", licensor.id)];
  const firm = await c.org("Firm", "commercial", { headcount: 3 });
  firmId = firm.id;
  await c.use(firm, { workSlug: works[0]!.slug, purpose: "commercial", startedOn: "2026-01-01" });
  h.clock.set("2026-02-02T09:00:00Z");
  await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-01" }).expect(201);
  const [model] = await h.db.select().from(invoices).where(eq(invoices.organizationId, firm.id));
  const { id: _id, ...base } = model!;
  // A second invoice, so one work and month can hold two grants (a voided invoice's and its replacement's).
  const [second] = await h.db.transaction(async (tx) =>
    tx
      .insert(invoices)
      .values({ ...base, month: "2025-12", number: `${model!.number}-B` })
      .returning(),
  );
  const rows: (typeof grants.$inferInsert & { id: string; workId: number; month: string })[] = [];
  for (let m = 0; m < MONTHS; m++)
    for (const work of works)
      for (const invoiceId of [model!.id, second!.id]) {
        const month = `${2020 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
        rows.push({
          id: randomUUID(),
          organizationId: firm.id,
          workId: work.id,
          invoiceId,
          month,
          document: "document",
          signature: "signature",
          keyFingerprint: "fingerprint",
          createdAt: "2026-02-02T09:00:00Z",
        });
      }
  await h.db.transaction(async (tx) => {
    await tx.insert(grants).values(rows);
  });
  const slugOf = new Map(works.map((w) => [w.id, w.slug]));
  expected = rows
    .map((r) => ({ id: r.id, month: r.month, workSlug: slugOf.get(r.workId)! }))
    .sort((a, b) => codePoint(b.month, a.month) || codePoint(a.workSlug, b.workSlug) || codePoint(a.id, b.id));
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe("an organization's grants", () => {
  it("walk once each over pages of seven, newest month first, then by work and id; a foreign cursor is a 400", async () => {
    const path = `/api/v1/organizations/${firmId}/grants`;
    const all = await expectWalk<{ id: string; month: string; workSlug: string }>(h, c.owner.auth, path, "grants", 7, expected.length);
    expect(all.map((g) => ({ id: g.id, month: g.month, workSlug: g.workSlug }))).toEqual(expected);
    await expectBadCursor(h, c.owner.auth, path, encodeCursor([expected[0]!.id]));
    await expectBadCursor(h, c.owner.auth, path, encodeCursor(["2020-13", "alpha-tool", expected[0]!.id]));
    await expectBadCursor(h, c.owner.auth, path, encodeCursor(["2020-01", "alpha\u0000tool", expected[0]!.id]));
  });

  it(`show ${ORG_GRANTS_PER_PAGE} a page on the organization's page, with next and first links`, async () => {
    const user = await makeUser(h, { treasurer: true, passwordHash: await passwordHashFor(PASSWORD) });
    const agent = request.agent(h.app);
    const login = await agent.get("/login").expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
    await agent.post("/login").type("form").send({ _csrf: token, email: user.email, password: PASSWORD, next: "/treasury" }).expect(303);
    const shown: string[] = [];
    let url: string | null = `/organizations/${firmId}`;
    let pages = 0;
    while (url) {
      const page: { text: string } = await agent.get(url).expect(200);
      const ids = [...page.text.matchAll(/<a href="\/grants\/([0-9a-f-]{36})">/g)].map((m) => m[1]!);
      expect(ids.length).toBeLessThanOrEqual(ORG_GRANTS_PER_PAGE);
      shown.push(...ids);
      if (pages > 0) expect(page.text).toContain(`<a href="/organizations/${firmId}#grants">First page</a>`);
      url =
        /<a href="([^"]+)" rel="next">Next page<\/a><\/nav>\s*$/m
          .exec(page.text.split('id="grants"')[1]!)?.[1]
          ?.replaceAll("&#x3D;", "=")
          .replaceAll("&amp;", "&") ?? null;
      pages += 1;
    }
    expect(shown).toEqual(expected.map((g) => g.id));
    expect(pages).toBe(Math.ceil(expected.length / ORG_GRANTS_PER_PAGE));
    // The page re-rendered after a form's failed POST links to the organization's page, not to the form's URL.
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get(`/organizations/${firmId}`).expect(200)).text)![1]!;
    const refused = await agent
      .post(`/organizations/${firmId}/facts`)
      .type("form")
      .send({ _csrf: csrf, effectiveOn: "not a day", headcount: "3" })
      .expect(422);
    expect(refused.text).toMatch(new RegExp(`<a href="/organizations/${firmId}\\?grants(?:=|&#x3D;)[^"#]+#grants" rel="next">`));
    expect(refused.text).not.toContain(`/organizations/${firmId}/facts?`);
  });
});
