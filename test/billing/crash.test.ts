// SIGKILL in the middle of a billing run: a rerun completes it with no duplicate and no gap.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { openDatabase, type Database, type Db } from "../../src/db/client.js";
import { queryRows, toInt } from "../../src/db/sql.js";
import { billingRuns, ledgerTransactions, ledgerTransfers } from "../../src/db/schema.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { testConfig } from "../../src/config.js";
import { loadOrCreateSigner } from "../../src/grants/signing-key.js";
import { GitHub } from "../../src/github/github-client.js";
import { freshDatabaseSettings, makeUser, tempDir, TestClock, type DatabaseSettings, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

const root = join(import.meta.dirname, "../..");
const ORGS = 1500;
/** Organizations seeded per transaction. */
const SEED_CHUNK = 250;

type Settings = DatabaseSettings;

const open = (settings: Settings, options?: { migrate?: boolean }) =>
  openDatabase({ url: settings.DATABASE_URL, path: settings.DATABASE_PATH }, options);

/** A licensor, one work and ORGS commercial users of it, made through the domain commands, a chunk per transaction. */
async function seed(settings: Settings, keyPath: string) {
  const database = await open(settings);
  const clock = new TestClock();
  const config = testConfig({ ...settings, SIGNING_KEY_PATH: keyPath });
  // The commune's commands run on `view.db`: the database, or the transaction of the chunk being seeded.
  const view = {
    db: database.db,
    database,
    clock,
    config,
    deps: {
      db: database.db,
      config,
      clock,
      logger: pino({ level: "silent" }),
      github: new GitHub({ baseUrl: "http://127.0.0.1:9", timeoutMs: 10, retries: 0 }),
      signer: loadOrCreateSigner(keyPath),
    },
    app: undefined,
    close: () => database.close(),
  } as unknown as Harness;
  try {
    const c = await Commune.create(view, await makeUser(view));
    const licensor = await c.org("Commons", "nonprofit");
    const work = await c.work("tool", licensor.id);
    for (let start = 0; start < ORGS; start += SEED_CHUNK) {
      await database.db.transaction(async (tx) => {
        view.db = tx;
        try {
          for (let i = start; i < Math.min(start + SEED_CHUNK, ORGS); i++)
            await c.use(await c.org(`Firm ${i}`, "commercial", { headcount: 1 + (i % 300) }), {
              workSlug: work.slug,
              purpose: "commercial",
              startedOn: "2026-01-01",
            });
        } finally {
          view.db = database.db;
        }
      });
    }
  } finally {
    await database.close();
  }
}

let seeded: { settings: Settings; keyPath: string };

// ORGS firms seeded once (in its own time budget); each run starts from a copy of that database, with its key.
beforeAll(async () => {
  const settings = await freshDatabaseSettings();
  const keyPath = join(tempDir(), "key.pem");
  await seed(settings, keyPath);
  seeded = { settings, keyPath };
}, 180_000);

const seededCopy = async () => ({ settings: await freshDatabaseSettings(seeded.settings), keyPath: seeded.keyPath });

/** The environment of a CLI child process on this database: both settings, whichever the engine uses. */
const cliEnv = (settings: Settings, keyPath: string): Record<string, string | undefined> => ({
  DATABASE_PATH: settings.DATABASE_PATH,
  DATABASE_URL: settings.DATABASE_URL,
  SIGNING_KEY_PATH: keyPath,
  LOG_LEVEL: "silent",
});

function cli(args: string[], env: Record<string, string | undefined>) {
  return spawn(process.execPath, [join(root, "bin/reciprocity.js"), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function cliSync(args: string[], env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, [join(root, "bin/reciprocity.js"), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
}

const invoiceCount = async (db: Db) => toInt((await queryRows<{ n: unknown }>(db, sql`select count(*) as n from invoices`))[0]?.n);

const invoiceNumbers = async (db: Db) =>
  (await queryRows<{ number: string }>(db, sql`select number from invoices order by number`)).map((r) => r.number);

/**
 * PostgreSQL: waits until no client session but this one is connected to the database. A killed client's
 * backend may still be finishing what it had received (a COMMIT sent just before the kill) after the
 * client process is gone; SQLite has no server, and a dead process writes nothing more.
 */
async function otherSessionsGone(database: Database) {
  if (database.engine !== "postgres") return;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await queryRows<{ n: unknown }>(
      database.db,
      sql`select count(*) as n from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`,
    );
    if (toInt(row?.n) === 0) return;
    if (Date.now() > deadline) throw new Error("the killed run's sessions are still connected");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a billing run killed mid-way", () => {
  it("is completed by a rerun with no duplicate invoice and no gap in numbers", { timeout: 120_000 }, async () => {
    const { settings, keyPath } = await seededCopy();
    const env = cliEnv(settings, keyPath);

    const child = cli(["billing", "run", "2026-03", "--chunk-size", "3"], env);
    const exited = new Promise((r) => child.once("exit", r));
    child.stdout.resume();
    child.stderr.resume();
    // One connection at a time (queries are awaited one by one): the only session of this process.
    const watcher = await open(settings, { migrate: false });
    let afterKill: number;
    try {
      let seen = 0;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        seen = await invoiceCount(watcher.db);
        if (seen >= 30) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill("SIGKILL");
      await exited;
      await otherSessionsGone(watcher);
      afterKill = await invoiceCount(watcher.db);
    } finally {
      await watcher.close();
    }
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(ORGS);

    const rerun = cliSync(["billing", "run", "2026-03"], env);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`${ORGS - afterKill} new invoice(s); ${ORGS} in the month`);

    const database = await open(settings);
    try {
      const numbers = await invoiceNumbers(database.db);
      expect(numbers).toHaveLength(ORGS);
      const year = numbers[0]!.slice(4, 8);
      expect(numbers).toEqual(Array.from({ length: ORGS }, (_, i) => `RCP-${year}-${String(i + 1).padStart(6, "0")}`));
      expect(await checkLedger(database.db)).toEqual([]);
      // The killed run is marked crashed, resumed by the rerun; the rerun completed.
      const runs = await database.db.select().from(billingRuns).orderBy(billingRuns.id);
      expect(runs.map((r) => [r.status, r.resumedByRunId])).toEqual([
        ["crashed", runs[1]!.id],
        ["completed", null],
      ]);
    } finally {
      await database.close();
    }

    const check = cliSync(["ledger", "check"], env);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain("every invariant holds");
  });

  it("two concurrent runs of the same month create each invoice once, with no gap", { timeout: 120_000 }, async () => {
    const { settings, keyPath } = await seededCopy();
    const env = cliEnv(settings, keyPath);
    const runs = [
      cli(["billing", "run", "2026-03", "--chunk-size", "50"], env),
      cli(["billing", "run", "2026-03", "--chunk-size", "50"], env),
    ];
    const stderr = runs.map((p) => {
      let text = "";
      p.stderr.on("data", (d: Buffer) => (text += d.toString()));
      p.stdout.resume();
      return () => text;
    });
    const codes = await Promise.all(runs.map((p) => new Promise<number | null>((r) => p.once("exit", r))));
    expect(codes, stderr.map((s) => s()).join("\n")).toEqual([0, 0]);
    const database = await open(settings);
    try {
      const numbers = await invoiceNumbers(database.db);
      expect(numbers).toHaveLength(ORGS);
      expect(new Set(numbers).size).toBe(ORGS);
      expect(numbers.at(-1)!.endsWith(String(ORGS).padStart(6, "0"))).toBe(true);
      expect(await checkLedger(database.db)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("`reciprocity ledger check` exits 1 naming the first violation", async () => {
    const settings = await freshDatabaseSettings();
    const database = await open(settings);
    try {
      await database.db.transaction(async (tx) => {
        const [rogue] = await tx
          .insert(ledgerTransactions)
          .values({ code: "invoice_issued", description: "rogue", effectiveOn: "2026-01-01", createdAt: "now" })
          .returning({ id: ledgerTransactions.id });
        await tx.insert(ledgerTransfers).values({
          transactionId: rogue!.id,
          debitAccount: "receivable:1",
          creditAccount: "income:fees",
          amountMinor: 500,
          currency: "EUR",
          createdAt: "now",
        });
      });
    } finally {
      await database.close();
    }
    const check = cliSync(["ledger", "check"], { DATABASE_PATH: settings.DATABASE_PATH, DATABASE_URL: settings.DATABASE_URL });
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("each receivable equals issued totals minus payments minus credits");
    expect(check.stderr).toContain("receivable:1 is 500 in the ledger but invoices say 0");
  });
});
