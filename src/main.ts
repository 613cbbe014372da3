// The command line: `reciprocity <command>`. Every command has --help.
import { Command, CommanderError } from "commander";
// Each command imports what it needs when it runs, so `reciprocity check` starts without the server.
import { ConfigError, loadConfig, type Config } from "./config.js";
import { VERSION } from "./version.js";

/** Opens the configured database (SQLite or PostgreSQL) for one command, and closes it after. */
async function withDeps<T>(fn: (deps: import("./deps.js").AppDeps) => Promise<T>): Promise<T> {
  const { buildDeps } = await import("./deps.js");
  const built = await buildDeps(loadConfig());
  try {
    return await fn(built.deps);
  } finally {
    await built.close();
  }
}

/** How far (in %) the server's old generation grows beyond the live heap before it is collected again. */
const SERVER_HEAP_GROWING_PERCENT = 20;

/** Serves until SIGINT or SIGTERM, then closes the server and the database. */
async function serveUntilSignal(config: Config): Promise<never> {
  // The old generation may grow 20 % beyond what the last full collection kept, not up to 4×: a billing run or
  // a large check no longer leaves 100 MB of garbage resident for minutes (a run is ~30 % slower). A V8 flag,
  // not allowed in NODE_OPTIONS, so the server sets it for itself (its short-lived parse processes keep the default).
  const { setFlagsFromString } = await import("node:v8");
  setFlagsFromString(`--heap-growing-percent=${SERVER_HEAP_GROWING_PERCENT}`);
  const { startServer } = await import("./server.js");
  const running = await startServer(config);
  process.stdout.write(`reciprocity is serving ${running.url}\n`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return new Promise<never>(() => {});
}

/** What a command reports back: 1 when it found something (owed fees, a ledger violation). */
interface Outcome {
  exitCode: number;
}

function serverCommands(program: Command): void {
  program
    .command("serve")
    .description("start the HTTP server (same as npm start); configured by environment variables, see README")
    .action(async () => {
      await serveUntilSignal(loadConfig());
    });

  program
    .command("demo")
    .description("fill the database with a demo commune (once), print the demo accounts, and start the server")
    .option("--no-serve", "only seed the database")
    .action(async (opts: { serve: boolean }) => {
      const config = loadConfig();
      const { seedDemo, DEMO_ACCOUNTS } = await import("./demo/seed-demo.js");
      const outcome = await withDeps((deps) =>
        seedDemo(deps.db, {
          clock: deps.clock,
          signer: deps.signer,
          github: deps.github,
          invoicePrefix: config.INVOICE_PREFIX,
          paymentTermsDays: config.PAYMENT_TERMS_DAYS,
        }),
      );
      process.stdout.write(
        `${outcome === "seeded" ? "Demo commune created" : "The database already has works; the demo was not added again"} in ${config.DATABASE_URL ? "the PostgreSQL database" : config.DATABASE_PATH}.\nSign in with:\n`,
      );
      for (const a of DEMO_ACCOUNTS) process.stdout.write(`  ${a.role.padEnd(16)} ${a.email}  /  ${a.password}\n`);
      if (opts.serve) await serveUntilSignal(config);
    });
}

function bookCommands(program: Command, outcome: Outcome): void {
  program
    .command("backup <file>")
    .description("write a consistent online backup of the SQLite database to <file> (PostgreSQL: use pg_dump)")
    .action(async (file: string) => {
      const config = loadConfig();
      const { openDatabase } = await import("./db/client.js");
      const database = await openDatabase({ url: config.DATABASE_URL, path: config.DATABASE_PATH });
      try {
        await database.backup(file);
        process.stdout.write(`backup written to ${file}\n`);
      } finally {
        await database.close();
      }
    });

  program
    .command("ledger")
    .description("ledger commands")
    .command("check")
    .description("verify every invariant of the books against the database; exit 1 naming each violation, the first on the first line")
    .action(async () => {
      const { checkLedger } = await import("./ledger/check-ledger.js");
      const violations = await withDeps((deps) => checkLedger(deps.db));
      if (violations.length === 0) {
        process.stdout.write("ledger check: every invariant holds\n");
        return;
      }
      // The first violation on the first line (the contract), then the others, up to a bound.
      const shown = violations.slice(0, 50);
      for (const v of shown) process.stderr.write(`ledger check failed: ${v.invariant}: ${v.detail}\n`);
      if (violations.length > shown.length) process.stderr.write(`(${violations.length - shown.length} more violations)\n`);
      outcome.exitCode = 1;
    });
}

function openBooksCommands(program: Command, outcome: Outcome): void {
  program
    .command("export-books <dir>")
    .description("write the books (Beancount ledger, CSV journal, documents, keys, the log, a signed MANIFEST.json) to <dir>")
    .action(async (dir: string) => {
      const config = loadConfig();
      const { exportBooks } = await import("./books/export-books.js");
      const summary = await withDeps((deps) =>
        exportBooks(deps.db, dir, {
          books: deps.books,
          signer: deps.signer,
          clock: deps.clock,
          seller: {
            name: config.SELLER_NAME,
            country: config.SELLER_COUNTRY,
            address: config.SELLER_ADDRESS,
            vatId: config.SELLER_VAT_ID,
            iban: config.SELLER_IBAN,
          },
          sellerEmail: config.SELLER_EMAIL,
        }),
      );
      process.stdout.write(
        `books exported to ${dir}: ${summary.transactions} ledger transactions, ${summary.invoices} invoices, ${summary.grants} grants, ${summary.files} files; log size ${summary.treeSize}\n`,
      );
    });

  program
    .command("verify-books <dir>")
    .description("check exported books offline; exit 1 naming the first violation")
    .action(async (dir: string) => {
      const { verifyBooks } = await import("./books/verify-books.js");
      const violation = await verifyBooks(dir);
      if (violation === null) {
        process.stdout.write(`verify-books: ${dir} is whole\n`);
        return;
      }
      process.stderr.write(`verify-books failed: ${violation}\n`);
      outcome.exitCode = 1;
    });
}

function witnessCommand(program: Command, outcome: Outcome): void {
  program
    .command("witness")
    .description("check that a log's new checkpoint extends the last one seen (RFC 6962 consistency) and cosign it")
    .requiredOption("--log <url>", "the log's base URL, e.g. https://fund.example.org/books")
    .requiredOption("--state <dir>", "where the witness keeps the log's key, the last checkpoint and its own key")
    .action(async (opts: { log: string; state: string }) => {
      const { witness } = await import("./books/witness.js");
      const result = await witness(opts.log, opts.state);
      if (result.status === "refused") {
        process.stderr.write(
          `WITNESS REFUSED ${opts.log}: ${result.reason}. This log may have rewritten its history; the last good checkpoint is kept in ${opts.state}.\n`,
        );
        outcome.exitCode = 1;
        return;
      }
      process.stdout.write(
        result.status === "first"
          ? `witnessed ${opts.log} at size ${result.size} (first sight; key trusted on first use)\n`
          : `witnessed ${opts.log}: size ${result.from} → ${result.size}, consistent\n`,
      );
    });
}

function billingCommands(program: Command): void {
  program
    .command("billing")
    .description("billing commands")
    .command("run <month>")
    .description("run billing for a month (YYYY-MM); idempotent per month")
    .option("--chunk-size <n>", "organizations per transaction", "500")
    .action(async (month: string, opts: { chunkSize: string }) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`month must be YYYY-MM, got ${month}`);
      const config = loadConfig();
      const { runBilling } = await import("./billing/run-billing.js");
      const { formatMoney } = await import("./shared/money.js");
      const { SingleBar, Presets } = await import("cli-progress");
      const bar = new SingleBar(
        { format: "billing {bar} {value}/{total} organizations", stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1000 },
        Presets.shades_classic,
      );
      try {
        const { makeCheckpoint } = await import("./books/make-checkpoint.js");
        const { notifyInvoicesIssued } = await import("./mail/notifications.js");
        const { notifyDepsOf } = await import("./web/notify.js");
        const { monthInvoiceTally } = await import("./billing/billing.queries.js");
        const result = await withDeps(async (deps) => {
          const run = await runBilling(
            deps.db,
            {
              month,
              actorUserId: null,
              chunkSize: Math.max(1, Number(opts.chunkSize) || 500),
              catchUpMonths: config.CATCH_UP_MONTHS,
              onProgress: (done, total) => {
                if (done === 0) bar.start(total, 0);
                else bar.update(done);
              },
            },
            {
              clock: deps.clock,
              signer: deps.signer,
              invoicePrefix: config.INVOICE_PREFIX,
              paymentTermsDays: config.PAYMENT_TERMS_DAYS,
            },
          );
          await makeCheckpoint(deps.db, deps.books, deps);
          await notifyInvoicesIssued(notifyDepsOf(deps), run.runId);
          return { ...run, tally: await monthInvoiceTally(deps.db, month) };
        });
        bar.stop();
        const { count, byStatus, totals } = result.tally;
        process.stdout.write(
          `billing run ${result.runId} for ${month}: ${result.invoicesCreated} new invoice(s); ${count} in the month (${byStatus.map((s) => `${s.count} ${s.status}`).join(", ") || "none"}); invoiced ${totals.map((t) => formatMoney(t.totalMinor, t.currency)).join(", ") || "nothing"}\n`,
        );
      } finally {
        bar.stop();
      }
    });
}

function invoiceCommands(program: Command): void {
  program
    .command("invoices")
    .description("invoice commands")
    .command("mail-overdue")
    .description("mail the members of each organization with an invoice newly overdue; each invoice is reminded of once")
    .action(async () => {
      const { claimOverdueInvoices } = await import("./invoices/overdue-mails.js");
      const { notifyInvoicesOverdue } = await import("./mail/notifications.js");
      const { notifyDepsOf } = await import("./web/notify.js");
      const sent = await withDeps(async (deps) => notifyInvoicesOverdue(notifyDepsOf(deps), await claimOverdueInvoices(deps.db, deps)));
      process.stdout.write(`${sent} overdue invoice(s) reminded of\n`);
    });
}

function distributionCommands(program: Command): void {
  program
    .command("distribution")
    .description("distribution commands")
    .command("run <month>")
    .description("draft the distribution run of a month (YYYY-MM); one per month: an existing run is shown")
    .action(async (month: string) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`month must be YYYY-MM, got ${month}`);
      const { runDistribution } = await import("./distribution/run-distribution.js");
      const { getRun } = await import("./distribution/distribution-runs.queries.js");
      const { formatMoney } = await import("./shared/money.js");
      const { SingleBar, Presets } = await import("cli-progress");
      const bar = new SingleBar(
        { format: "distribution {bar} {value}/{total} allocations", stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1000 },
        Presets.shades_classic,
      );
      try {
        const { run, created } = await withDeps(async (deps) => {
          const result = await runDistribution(
            deps.db,
            {
              month,
              actorUserId: null,
              onProgress: (done, total) => {
                if (done === 0) bar.start(total, 0);
                else bar.update(done);
              },
            },
            { clock: deps.clock },
          );
          return { run: await getRun(deps.db, result.runId), created: result.created };
        });
        bar.stop();
        process.stdout.write(
          `distribution run ${run.id} for ${month} (${created ? "drafted now" : `already ${run.status}`}): pool ${formatMoney(run.poolMinor, run.currency)}, dividend ${formatMoney(run.perCapitaMinor, run.currency)} per worker-owner (${run.workerOwners}), carried ${formatMoney(run.dividendCarriedMinor, run.currency)}\n`,
        );
      } finally {
        bar.stop();
      }
    });
}

function rentCommands(program: Command): void {
  program
    .command("rent")
    .description("venture commune commands")
    .command("run <month>")
    .description(
      "invoice a month's rent (YYYY-MM) of every leased or owned asset to its lessee; a second run invoices only what the first did not",
    )
    .action(async (month: string) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`month must be YYYY-MM, got ${month}`);
      const { runRent } = await import("./bonds/rent-run.js");
      const { invoicingDeps } = await import("./billing/billing.routes.js");
      const { formatMoney } = await import("./shared/money.js");
      const run = await withDeps((deps) => runRent(deps.db, null, month, invoicingDeps(deps)));
      for (const i of run.invoices)
        process.stdout.write(`${i.number}: organization ${i.organizationId}, ${formatMoney(i.totalMinor, i.currency)}\n`);
      for (const m of run.months.filter((x) => x.review))
        process.stdout.write(`asset ${m.assetId}: ${m.deferredMonthsInRow} deferred months in a row, review\n`);
      for (const s of run.skipped)
        process.stdout.write(
          `organization ${s.organizationId} has an invoice of ${month} already: assets ${s.assetIds.join(", ")} not invoiced\n`,
        );
      process.stdout.write(`rent run ${month}: ${run.invoices.length} invoice(s), ${run.months.length} asset month(s)\n`);
    });
}

function clientCommands(program: Command, outcome: Outcome): void {
  program
    .command("check <file>")
    .description(
      "check a lockfile or SBOM against a server; exit 0 when nothing is owed or unlicensed, 1 when commercial use of a verified work is undeclared or an invoice for a used work is overdue, 2 on error",
    )
    // Only named here for the command list: bin/reciprocity.js runs `check` as the check client itself.
    .helpOption(false)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(async () => {
      const { runCli } = await import("../packages/check-client/check-client.js");
      const at = process.argv.indexOf("check");
      outcome.exitCode = await runCli(process.argv.slice(at), process.env, { stdout: process.stdout, stderr: process.stderr });
    });

  program
    .command("license <work-slug>")
    .description("print the work's LICENSE text")
    .option("--server <url>", "the reciprocity server", process.env.RECIPROCITY_SERVER ?? "http://127.0.0.1:3000")
    .option("--format <format>", "text, markdown or html", "text")
    .action(async (slug: string, opts: { server: string; format: string }) => {
      const url = new URL(`/api/v1/works/${encodeURIComponent(slug)}/license`, opts.server);
      url.searchParams.set("format", opts.format);
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
      process.stdout.write(text);
    });
}

/** Exit codes: 0 ok, 1 a finding (owed fees, ledger violation), 2 an error. */
export async function main(argv: string[]): Promise<number> {
  const outcome: Outcome = { exitCode: 0 };
  const program = new Command()
    .name("reciprocity")
    .description("Licensing and reciprocity tracker for peer-production commons")
    .version(VERSION, "-V, --version", "print the version")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  serverCommands(program);
  bookCommands(program, outcome);
  openBooksCommands(program, outcome);
  witnessCommand(program, outcome);
  billingCommands(program);
  invoiceCommands(program);
  distributionCommands(program);
  rentCommands(program);
  clientCommands(program, outcome);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  return outcome.exitCode;
}

// Run directly (`tsx src/main.ts ...`), as opposed to being imported by bin/ or tests.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv);
}
