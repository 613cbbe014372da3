// Invoices and the ledger page like every other list: `?limit=`, an opaque `?cursor=`, `next` and `Link`; a walk
// shows every row once, in the list's order, filters kept from page to page; a cursor the list did not give out
// is a 400 `invalid_cursor`, and the old `?offset=` / `?before=` are refused rather than ignored. The treasury's
// invoice page and its CSV walk the same keyset.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor, compareKeys } from "../../src/http/pagination.js";
import { eq } from "drizzle-orm";
import { INVOICES_PER_PAGE } from "../../src/web/treasury-invoices.pages.js";
import { ORG_INVOICES_PER_PAGE } from "../../src/web/organizations.pages.js";
import { invoices, organizations } from "../../src/db/schema.js";
import { moneyJson } from "../../src/shared/money.js";
import { api, makeHarness, makeUser, passwordHashFor, tableCounts, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { expectBadCursor, walkList } from "../support/pages.js";

const PASSWORD = "a long password";
const FIRMS = 18;
const MONTHS = ["2026-01", "2026-02", "2026-03"];
let h: Harness;
let c: Commune;
let t: { Authorization: string };

interface Listed {
  id: number;
  number: string | null;
  month: string;
  organizationId: number;
}

// One world for the whole file (read-only tests): 18 firms billed for three months = 54 invoices.
beforeAll(async () => {
  h = await makeHarness({ INVOICE_PREFIX: "RCP" });
  c = await Commune.create(h);
  t = c.treasurer.auth;
  h.clock.set("2026-01-01T09:00:00Z");
  const licensor = await c.org("Commons Coop", "nonprofit");
  const work = await c.work("ledger-tool", licensor.id);
  for (let i = 0; i < FIRMS; i++) {
    const firm = await c.org(`Firm ${String(i).padStart(2, "0")}`, "commercial", { headcount: 3 });
    await c.use(firm, { workSlug: work.slug, purpose: "commercial", startedOn: "2026-01-01" });
  }
  h.clock.set("2026-04-02T09:00:00Z");
  // Months billed out of order, so ids do not follow months.
  for (const month of ["2026-02", "2026-01", "2026-03"]) await api(h).post("/api/v1/billing-runs").set(t).send({ month }).expect(201);
}, 120_000);
afterAll(async () => {
  await h.close();
});

const newestFirst = (a: Listed, b: Listed) => (a.month === b.month ? b.id - a.id : a.month < b.month ? 1 : -1);

describe("the invoice list", () => {
  it("walks every invoice once, newest month first then newest id, over pages of seven", async () => {
    const whole = await api(h).get("/api/v1/invoices?limit=200").set(t).expect(200);
    expect(whole.body.next).toBeNull();
    expect(whole.body.total).toBe(FIRMS * MONTHS.length);
    const all = whole.body.invoices as Listed[];
    expect(all).toHaveLength(FIRMS * MONTHS.length);
    expect(all.map((i) => i.id)).toEqual([...all].sort(newestFirst).map((i) => i.id));
    const walked = await walkList<Listed>(h, t, "/api/v1/invoices", "invoices", 7);
    expect(walked.items.map((i) => i.id)).toEqual(all.map((i) => i.id));
    expect(walked.pages).toBe(Math.ceil(all.length / 7));
    expect(walked.nexts.at(-1)).toBeNull();
  });

  it("keeps its filters from page to page and counts what they match", async () => {
    const walked = await walkList<Listed>(h, t, "/api/v1/invoices?month=2026-02&status=issued", "invoices", 5);
    expect(walked.items).toHaveLength(FIRMS);
    expect(new Set(walked.items.map((i) => i.month))).toEqual(new Set(["2026-02"]));
    for (const next of walked.nexts.slice(0, -1)) expect(next).toMatch(/month=2026-02.*status=issued|status=issued.*month=2026-02/);
    const first = await api(h).get("/api/v1/invoices?month=2026-02&limit=5").set(t).expect(200);
    expect(first.body.total).toBe(FIRMS);
    // A member walks only the invoices of organizations they belong to (here: all of them, the commune's owner).
    const mine = await walkList<Listed>(h, c.owner.auth, "/api/v1/invoices", "invoices", 20);
    expect(mine.items).toHaveLength(FIRMS * MONTHS.length);
  });

  it("refuses a cursor it did not give out (400 invalid_cursor) and the old offset (422)", async () => {
    await expectBadCursor(h, t, "/api/v1/invoices", "not-a-cursor");
    await expectBadCursor(h, t, "/api/v1/invoices", encodeCursor(["2026-02"]));
    await expectBadCursor(h, t, "/api/v1/invoices", encodeCursor([1, "2026-02"]));
    const old = await api(h).get("/api/v1/invoices?offset=50").set(t).expect(422);
    expect(old.body.errors).toEqual([{ path: "/query/offset", message: expect.any(String) }]);
    // A cursor past the end is an empty last page, not an error.
    const past = await api(h)
      .get(`/api/v1/invoices?cursor=${encodeCursor(["2000-01", 1])}`)
      .set(t)
      .expect(200);
    expect(past.body).toMatchObject({ invoices: [], next: null });
  });

  it("is what the treasury's invoice page shows, 50 a page with a next link, and what the CSV lists", async () => {
    const all = ((await api(h).get("/api/v1/invoices?limit=200").set(t).expect(200)).body.invoices as Listed[]).map(
      (i) => i.number ?? String(i.id),
    );
    const agent = await treasurerAgent();
    const refs: string[] = [];
    let url: string | null = "/treasury/invoices";
    let pages = 0;
    while (url) {
      const page: { text: string } = await agent.get(url).expect(200);
      const shown = [...page.text.matchAll(/<a href="\/treasury\/invoices\/([^"?]+)">/g)].map((m) => m[1]!);
      expect(shown.length).toBeLessThanOrEqual(INVOICES_PER_PAGE);
      refs.push(...shown);
      expect(page.text).toContain(`${shown.length} shown of ${all.length}.`);
      if (pages > 0) expect(page.text).toContain('<a href="/treasury/invoices">First page</a>');
      url = /<a href="([^"]+)" rel="next">/.exec(page.text)?.[1]?.replaceAll("&#x3D;", "=").replaceAll("&amp;", "&") ?? null;
      pages += 1;
    }
    expect(refs).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / INVOICES_PER_PAGE));
    // A hand-edited cursor is the first page, as any filter that does not parse.
    const edited = await agent.get("/treasury/invoices?cursor=nonsense").expect(200);
    expect(edited.text).toContain(`${INVOICES_PER_PAGE} shown of ${all.length}.`);
    const csv = await agent.get("/treasury/invoices.csv").expect(200);
    const lines = csv.text.trim().split("\r\n");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(all.map((r) => (/^\d+$/.test(r) ? `held-${r}` : r)));
  });
});

describe("the ledger lists", () => {
  it("walk every transaction once, newest first, and refuse the old ?before=", async () => {
    const walked = await walkList<{ id: number }>(h, t, "/api/v1/ledger/transactions", "transactions", 5);
    const ids = walked.items.map((x) => x.id);
    expect(ids).toHaveLength((await tableCounts(h.db)).ledger_transactions!);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    await expectBadCursor(h, t, "/api/v1/ledger/transactions", encodeCursor(["RCP-1"]));
    const old = await api(h).get("/api/v1/ledger/transactions?before=10").set(t).expect(422);
    expect(old.body.errors).toEqual([{ path: "/query/before", message: expect.any(String) }]);
  });

  it("walk every account's balance once, by name in code point order, with the totals of all accounts on each page", async () => {
    const whole = await api(h).get("/api/v1/ledger/balances?limit=200").set(t).expect(200);
    expect(whole.body.next).toBeNull();
    const accounts = whole.body.accounts as { account: string; debits: { currency: string } }[];
    expect(accounts.length).toBeGreaterThan(FIRMS);
    const keys = accounts.map((a) => [a.account, a.debits.currency]);
    expect(keys).toEqual([...keys].sort(compareKeys));
    const totals: unknown[] = [];
    const walked = await walkList<{ account: string }>(h, t, "/api/v1/ledger/balances", "accounts", 4, (page) => totals.push(page.totals));
    expect(walked.items).toEqual(accounts);
    expect(totals).toEqual(walked.nexts.map(() => whole.body.totals));
    await expectBadCursor(h, t, "/api/v1/ledger/balances", encodeCursor([3]));
  });
});

async function treasurerAgent() {
  const user = await makeUser(h, { treasurer: true, passwordHash: await passwordHashFor(PASSWORD) });
  const agent = request.agent(h.app);
  const login = await agent.get("/login").expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  await agent.post("/login").type("form").send({ _csrf: token, email: user.email, password: PASSWORD, next: "/treasury" }).expect(303);
  return agent;
}

describe("an organization's page", () => {
  // Last in the file: it adds invoices the lists above do not count.
  it("shows its invoices 50 a page with a next link, and what it owes over all of them", async () => {
    const [firm] = await h.db.select().from(organizations).where(eq(organizations.name, "Firm 00"));
    const [model] = await h.db.select().from(invoices).where(eq(invoices.organizationId, firm!.id)).limit(1);
    const { id: _id, ...base } = model!;
    const statuses = ["paid", "issued", "partially_paid"] as const;
    // Eleven years of older invoices: a third paid, the rest owed, half of those past due.
    await h.db.transaction(async (tx) => {
      await tx.insert(invoices).values(
        Array.from({ length: 130 }, (_, i) => ({
          ...base,
          number: `RCP-2020-${String(900_000 + i)}`,
          month: `${2015 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`,
          status: statuses[i % 3]!,
          totalMinor: 1_000 + i,
          dueOn: i % 2 ? "2020-12-31" : "2099-01-01",
        })),
      );
    });
    const all = (await api(h).get(`/api/v1/invoices?organizationId=${firm!.id}&limit=200`).set(t).expect(200)).body.invoices as (Listed & {
      status: string;
      dueOn: string | null;
      outstanding: { amountMinor: number; currency: string };
    })[];
    expect(all).toHaveLength(130 + MONTHS.length);
    const owed = all.filter((i) => i.outstanding.amountMinor > 0 && (i.status === "issued" || i.status === "partially_paid"));
    const overdue = owed.filter((i) => i.dueOn !== null && i.dueOn < "2026-04-02");
    const sum = (xs: typeof owed) =>
      moneyJson(
        xs.reduce((s, i) => s + i.outstanding.amountMinor, 0),
        "EUR",
      ).formatted;

    const agent = await treasurerAgent();
    const refs: string[] = [];
    let url: string | null = `/organizations/${firm!.id}`;
    let pages = 0;
    while (url) {
      const page: { text: string } = await agent.get(url).expect(200);
      const shown = [...page.text.matchAll(/<a href="\/invoices\/([^".]+)">/g)].map((m) => m[1]!);
      expect(shown.length).toBeLessThanOrEqual(ORG_INVOICES_PER_PAGE);
      refs.push(...shown);
      // What it owes is the same on every page: all its invoices, not the ones shown.
      expect(page.text).toContain(`<p class="big">${sum(owed)}</p><p>${owed.length} invoice(s) to pay</p>`);
      expect(page.text).toContain(`<p class="big">${sum(overdue)}</p><p><span class="badge bad">${overdue.length} overdue</span>`);
      if (pages > 0) expect(page.text).toContain(`<a href="/organizations/${firm!.id}#invoices">First page</a>`);
      url = /<a href="([^"]+)#invoices" rel="next">/.exec(page.text)?.[1]?.replaceAll("&#x3D;", "=").replaceAll("&amp;", "&") ?? null;
      pages += 1;
    }
    expect(refs).toEqual(all.map((i) => i.number));
    expect(pages).toBe(3);
  });
});
