// Two server processes on one database (SQLite file or PostgreSQL, per project), hit at the same time:
// payments stay idempotent and never overpay, a billing run started on both issues one set of invoices
// with gapless numbers, sign-in sessions and rate limits are shared, and both sign with one key.
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabaseSettings, tempDir } from "../support/harness.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";

const TOKEN = "rcp_two_servers_treasurer_token_1234";
const FIRMS = 12;
const signingKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();

let a: ServerProcess;
let b: ServerProcess;

async function call(server: ServerProcess, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    replayed: res.headers.get("idempotent-replayed") === "true",
    body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text,
  };
}

async function ok(server: ServerProcess, method: string, path: string, body?: unknown) {
  const res = await call(server, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A commune set up through server A's API: a licensor, a work, and firms that use it commercially. */
async function setUpCommune() {
  const licensor = await ok(a, "POST", "/api/v1/organizations", { name: "Commons", kind: "nonprofit" });
  const work = await ok(a, "POST", "/api/v1/works", { packages: ["pkg:npm/two-servers-tool"], licensorOrganizationId: licensor.id });
  // A package-only claim earns once a treasurer verifies it.
  await ok(a, "POST", `/api/v1/works/${work.slug}/verification`, { decision: "verified", reason: "package ownership checked" });
  for (let i = 0; i < FIRMS; i++) {
    const firm = await ok(a, "POST", "/api/v1/organizations", { name: `Firm ${i}`, kind: "commercial" });
    await ok(a, "POST", `/api/v1/organizations/${firm.id}/facts`, { effectiveOn: "2026-01-01", headcount: 5 + i * 20 });
    await ok(a, "POST", `/api/v1/organizations/${firm.id}/usages`, { workSlug: work.slug, purpose: "commercial", startedOn: "2026-01-01" });
  }
}

beforeAll(async () => {
  const settings = await freshDatabaseSettings();
  const env = {
    ...settings,
    SIGNING_KEY: signingKey,
    SIGNING_KEY_PATH: join(tempDir(), "unused.pem"),
    BOOTSTRAP_TREASURER_EMAIL: "treasurer@example.org",
    BOOTSTRAP_TREASURER_PASSWORD: "a long enough password",
    BOOTSTRAP_TREASURER_TOKEN: TOKEN,
    LOGIN_RATE_LIMIT_PER_MINUTE: "4",
    CHECK_RATE_LIMIT_PER_MINUTE: "3",
  };
  a = await startServerProcess(env);
  b = await startServerProcess(env);
  await setUpCommune();
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe("two server processes on one database", () => {
  it("a billing run started on both at once issues one invoice per firm, numbered without a gap", async () => {
    const runs = await Promise.all([a, b, a, b].map((s) => call(s, "POST", "/api/v1/billing-runs", { month: "2026-01" })));
    for (const r of runs) expect([200, 201, 409], JSON.stringify(r.body)).toContain(r.status);
    const list = await ok(a, "GET", "/api/v1/invoices?month=2026-01");
    const invoices = (list.invoices ?? list.items ?? list) as { number: string; organizationId: number }[];
    expect(invoices).toHaveLength(FIRMS);
    expect(new Set(invoices.map((i) => i.organizationId)).size).toBe(FIRMS);
    const serials = invoices.map((i) => Number(/(\d+)$/.exec(i.number)![1])).sort((x, y) => x - y);
    expect(serials).toEqual(Array.from({ length: FIRMS }, (_, k) => serials[0]! + k));
    expect(serials[0]).toBe(1);
  });

  it("50 identical payments split across both record one payment", async () => {
    const list = await ok(a, "GET", "/api/v1/invoices?month=2026-01");
    const invoice = ((list.invoices ?? list.items ?? list) as { number: string; total: { amountMinor: number; currency: string } }[])[0]!;
    const body = { amount: { amountMinor: 100, currency: invoice.total.currency }, paidOn: "2026-02-03", reference: "bank 1" };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, k) =>
        call(k % 2 ? b : a, "POST", `/api/v1/invoices/${invoice.number}/payments`, body, { "Idempotency-Key": "same-payment-key" }),
      ),
    );
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const after = await ok(b, "GET", `/api/v1/invoices/${invoice.number}`);
    expect(after.paid.amountMinor).toBe(100);
  });

  it("20 different payments of the whole amount, split across both, pay the invoice once", async () => {
    const list = await ok(a, "GET", "/api/v1/invoices?month=2026-01");
    const invoice = ((list.invoices ?? list.items ?? list) as { number: string; total: { amountMinor: number; currency: string } }[])[1]!;
    const body = {
      amount: { amountMinor: invoice.total.amountMinor, currency: invoice.total.currency },
      paidOn: "2026-02-03",
      reference: "bank 2",
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        call(k % 2 ? b : a, "POST", `/api/v1/invoices/${invoice.number}/payments`, body, { "Idempotency-Key": `whole-${k}` }),
      ),
    );
    expect(
      results.filter((r) => r.status === 201),
      JSON.stringify(results.map((r) => [r.status, r.body.code])),
    ).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) expect([409, 422], JSON.stringify(r.body)).toContain(r.status);
    const after = await ok(a, "GET", `/api/v1/invoices/${invoice.number}`);
    expect(after.paid.amountMinor).toBe(invoice.total.amountMinor);
    expect(after.status).toBe("paid");
  });

  it("the books are whole after all that (ledger check over the API's balances)", async () => {
    const balances = await ok(b, "GET", "/api/v1/ledger/balances");
    let debits = 0;
    let credits = 0;
    for (const account of balances.accounts as { debits: { amountMinor: number }; credits: { amountMinor: number } }[]) {
      debits += account.debits.amountMinor;
      credits += account.credits.amountMinor;
    }
    expect(debits).toBe(credits);
    expect(debits).toBeGreaterThan(0);
  });

  it("a session signed in on one server is valid on the other", async () => {
    const page = await fetch(`${a.url}/login`);
    const cookies = page.headers.getSetCookie().map((c) => c.split(";")[0]!);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const login = await fetch(`${a.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.join("; ") },
      body: new URLSearchParams({ _csrf: csrf, email: "treasurer@example.org", password: "a long enough password", next: "/tokens" }),
    });
    expect(login.status).toBe(303);
    const session = login.headers.getSetCookie().map((c) => c.split(";")[0]!);
    const onB = await fetch(`${b.url}/tokens`, { redirect: "manual", headers: { Cookie: [...cookies, ...session].join("; ") } });
    expect(onB.status).toBe(200);
    const html = await onB.text();
    expect(html).toContain("Sign out");
    expect(html).toContain('href="/treasury"');
  });

  it("rate limits count requests on both servers together", async () => {
    const statuses: number[] = [];
    for (let k = 0; k < 5; k++) {
      const res = await fetch(`${(k % 2 ? b : a).url}/api/v1/checks`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ lockfileVersion: 3, packages: { "": { name: "x" } } }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 3).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });

  it("both sign with the one key given as SIGNING_KEY", async () => {
    const [keyA, keyB] = await Promise.all([a, b].map(async (s) => (await fetch(`${s.url}/.well-known/reciprocity-signing-key`)).text()));
    expect(keyA).toContain("BEGIN PUBLIC KEY");
    expect(keyA).toBe(keyB);
  });
});
