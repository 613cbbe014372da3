// SIGKILL in the middle of a billing run: a rerun completes it with no duplicate and no gap.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../src/db/client.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { freshDatabasePath, makeUser, tempDir, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { TestClock } from "../support/harness.js";
import { pino } from "pino";
import { testConfig } from "../../src/config.js";
import { loadOrCreateSigner } from "../../src/grants/signing-key.js";
import { GitHub } from "../../src/github/github-client.js";

const root = join(import.meta.dirname, "../..");
const ORGS = 1500;

async function seed(path: string, keyPath: string) {
  const db = openDatabase(path);
  const clock = new TestClock();
  const config = testConfig({ DATABASE_PATH: path, SIGNING_KEY_PATH: keyPath });
  const h = {
    db,
    clock,
    config,
    deps: {
      db,
      config,
      clock,
      logger: pino({ level: "silent" }),
      github: new GitHub({ baseUrl: "http://127.0.0.1:9", timeoutMs: 10, retries: 0 }),
      signer: loadOrCreateSigner(keyPath),
    },
    app: undefined,
    close: () => closeDatabase(db),
  } as unknown as Harness;
  const c = new Commune(h, makeUser(h));
  const licensor = c.org("Commons", "nonprofit");
  const work = await c.work("tool", licensor.id);
  db.$client.transaction(() => {
    for (let i = 0; i < ORGS; i++)
      c.use(c.org(`Firm ${i}`, "commercial", { headcount: 1 + (i % 300) }), {
        workSlug: work.slug,
        purpose: "commercial",
        startedOn: "2026-01-01",
      });
  })();
  closeDatabase(db);
}

function cli(args: string[], env: Record<string, string>) {
  return spawn(process.execPath, [join(root, "bin/reciprocity.js"), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("a billing run killed mid-way", () => {
  it("is completed by a rerun with no duplicate invoice and no gap in numbers", async () => {
    const path = freshDatabasePath();
    const keyPath = join(tempDir(), "key.pem");
    await seed(path, keyPath);
    const env = { DATABASE_PATH: path, SIGNING_KEY_PATH: keyPath, LOG_LEVEL: "silent" };

    const child = cli(["billing", "run", "2026-03", "--chunk-size", "3"], env);
    const watcher = openDatabase(path, { migrate: false });
    const count = () => (watcher.$client.prepare("select count(*) as n from invoices").get() as { n: number }).n;
    let seen = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      seen = count();
      if (seen >= 30) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const afterKill = count();
    closeDatabase(watcher);
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(ORGS);

    const rerun = spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), "billing", "run", "2026-03"], {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`${ORGS - afterKill} new invoice(s); ${ORGS} in the month`);

    const db = openDatabase(path);
    const rows = db.$client.prepare("select number from invoices order by number").all() as { number: string }[];
    expect(rows).toHaveLength(ORGS);
    const year = rows[0]!.number.slice(4, 8);
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: ORGS }, (_, i) => `RCP-${year}-${String(i + 1).padStart(6, "0")}`));
    expect(checkLedger(db)).toEqual([]);
    closeDatabase(db);

    const check = spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), "ledger", "check"], {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    expect(check.status).toBe(0);
    expect(check.stdout).toContain("every invariant holds");
  });

  it("two concurrent runs of the same month create each invoice once, with no gap", async () => {
    const path = freshDatabasePath();
    const keyPath = join(tempDir(), "key.pem");
    await seed(path, keyPath);
    const env = { DATABASE_PATH: path, SIGNING_KEY_PATH: keyPath, LOG_LEVEL: "silent" };
    const runs = [
      cli(["billing", "run", "2026-03", "--chunk-size", "50"], env),
      cli(["billing", "run", "2026-03", "--chunk-size", "50"], env),
    ];
    const codes = await Promise.all(runs.map((p) => new Promise<number | null>((r) => p.once("exit", r))));
    expect(codes).toEqual([0, 0]);
    const db = openDatabase(path);
    const rows = db.$client.prepare("select number from invoices order by number").all() as { number: string }[];
    expect(rows).toHaveLength(ORGS);
    expect(new Set(rows.map((r) => r.number)).size).toBe(ORGS);
    expect(rows.at(-1)!.number.endsWith(String(ORGS).padStart(6, "0"))).toBe(true);
    expect(checkLedger(db)).toEqual([]);
    closeDatabase(db);
  });

  it("`reciprocity ledger check` exits 1 naming the first violation", () => {
    const path = freshDatabasePath();
    const db = openDatabase(path);
    db.$client
      .prepare(
        "insert into ledger_transactions (code, description, effective_on, created_at) values ('invoice_issued', 'rogue', '2026-01-01', 'now')",
      )
      .run();
    db.$client
      .prepare(
        "insert into ledger_transfers (transaction_id, debit_account, credit_account, amount_minor, currency, created_at) values (1, 'receivable:1', 'income:fees', 500, 'EUR', 'now')",
      )
      .run();
    closeDatabase(db);
    const check = spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), "ledger", "check"], {
      cwd: root,
      env: { ...process.env, DATABASE_PATH: path },
      encoding: "utf8",
    });
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("each receivable equals issued totals minus payments minus credits");
    expect(check.stderr).toContain("receivable:1 is 500 in the ledger but invoices say 0");
  });
});
