// `reciprocity export-books <dir>`: the whole books in plain files anyone can check offline, in the
// scope of one signed checkpoint (the ledger transactions, invoices and grants whose facts it holds):
// ledger.beancount, journal.csv, documents/, keys/, log/ and MANIFEST.json signed with the log's key.
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { asc, inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { grants, invoices, ledgerTransactions, ledgerTransfers, statements } from "../db/schema.js";
import { moneyJson } from "../shared/money.js";
import { isoNow, type Clock } from "../shared/clock.js";
import type { Signer } from "../grants/signing-key.js";
import { invoiceView, type SellerDetails } from "../invoices/invoices.queries.js";
import { invoiceUblFor, renderInvoiceHtml } from "../invoices/render-invoice.js";
import { entriesBetween } from "./books.queries.js";
import { canonicalJson } from "./canonical.js";
import type { BooksLog } from "./log-key.js";
import { makeCheckpoint } from "./make-checkpoint.js";
import { journalCsv, postingsOf, type ExportTransaction } from "./journal.js";
import { renderBeancount } from "./beancount.js";
import { reportMonths, transparencyReport } from "./transparency-report.js";

export interface ExportDeps {
  books: BooksLog;
  signer: Signer;
  clock: Clock;
  seller: SellerDetails;
  sellerEmail: string;
}

export interface ExportSummary {
  treeSize: number;
  transactions: number;
  invoices: number;
  grants: number;
  files: number;
}

/** Writes files under one folder and remembers each one's SHA-256 for the manifest. */
class BooksFolder {
  readonly hashes = new Map<string, string>();
  constructor(readonly dir: string) {}

  async write(path: string, content: string | Buffer): Promise<void> {
    const file = join(this.dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    this.hashes.set(path, createHash("sha256").update(content).digest("hex"));
  }
}

/** The ids each kind of fact names, among the log's first `size` entries: the export's scope. */
function scopeOf(entries: { kind: string; entry: string }[]) {
  const ids = { transactions: new Set<number>(), invoices: new Set<number>(), grants: new Set<string>(), statements: new Set<string>() };
  for (const e of entries) {
    const fact = (JSON.parse(e.entry) as { fact: Record<string, unknown> }).fact;
    if (e.kind === "ledger_entry") ids.transactions.add(fact.ledgerEntryId as number);
    if (e.kind === "invoice_issued") ids.invoices.add(fact.invoiceId as number);
    if (e.kind === "grant_issued") ids.grants.add(fact.grantId as string);
    if (e.kind === "statement_issued") ids.statements.add(fact.number as string);
  }
  return ids;
}

export async function exportBooks(db: Db, dir: string, deps: ExportDeps): Promise<ExportSummary> {
  const exportedAt = isoNow(deps.clock);
  const checkpoint = await makeCheckpoint(db, deps.books, deps);
  const entries = await entriesBetween(db, 0, checkpoint.treeSize);
  const scope = scopeOf(entries);
  const folder = new BooksFolder(dir);
  const transactions = await exportTransactions(db, scope.transactions);
  const postings = postingsOf(transactions);
  await folder.write("journal.csv", journalCsv(postings));
  await folder.write("ledger.beancount", renderBeancount(postings, { title: `${deps.seller.name} (reciprocity)`, exportedAt }));
  const invoiceCount = await writeInvoices(db, folder, [...scope.invoices], deps);
  const grantCount = await writeGrants(db, folder, [...scope.grants]);
  await writeStatements(db, folder, [...scope.statements]);
  await writeKeys(folder, deps, entries[0]?.createdAt ?? exportedAt);
  await writeReports(db, folder, deps);
  await folder.write("log/entries.jsonl", entries.map((e) => `${e.entry}\n`).join(""));
  await folder.write("log/checkpoint", checkpoint.note);
  await writeManifest(folder, deps.books, { exportedAt, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash });
  return {
    treeSize: checkpoint.treeSize,
    transactions: transactions.length,
    invoices: invoiceCount,
    grants: grantCount,
    files: folder.hashes.size,
  };
}

async function exportTransactions(db: Db, ids: Set<number>): Promise<ExportTransaction[]> {
  const txs = await db.select().from(ledgerTransactions).orderBy(asc(ledgerTransactions.id));
  const transfers = await db.select().from(ledgerTransfers).orderBy(asc(ledgerTransfers.id));
  const numbers = new Map((await db.select({ id: invoices.id, number: invoices.number }).from(invoices)).map((i) => [i.id, i.number]));
  const byTx = new Map<number, ExportTransaction["transfers"]>();
  for (const t of transfers) byTx.set(t.transactionId, [...(byTx.get(t.transactionId) ?? []), t]);
  return txs
    .filter((t) => ids.has(t.id))
    .map((t) => ({
      id: t.id,
      code: t.code,
      description: t.description,
      effectiveOn: t.effectiveOn,
      invoiceNumber: t.invoiceId === null ? null : (numbers.get(t.invoiceId) ?? null),
      transfers: byTx.get(t.id) ?? [],
    }));
}

async function writeInvoices(db: Db, folder: BooksFolder, ids: number[], deps: ExportDeps): Promise<number> {
  let count = 0;
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .select()
      .from(invoices)
      .where(inArray(invoices.id, ids.slice(start, start + 500)));
    for (const invoice of rows) {
      if (invoice.number === null) continue;
      const view = await invoiceView(db, invoice, deps.seller);
      await folder.write(`documents/invoices/${invoice.number}.json`, `${JSON.stringify(view, null, 2)}\n`);
      await folder.write(`documents/invoices/${invoice.number}.html`, renderInvoiceHtml(view, { sellerEmail: deps.sellerEmail }));
      await folder.write(`documents/invoices/${invoice.number}.xml`, await invoiceUblFor(db, view, deps.sellerEmail));
      count += 1;
    }
  }
  return count;
}

async function writeGrants(db: Db, folder: BooksFolder, ids: string[]): Promise<number> {
  let count = 0;
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .select()
      .from(grants)
      .where(inArray(grants.id, ids.slice(start, start + 500)));
    for (const g of rows) {
      await folder.write(`documents/grants/${g.id}.txt`, g.document);
      const meta = { id: g.id, invoiceId: g.invoiceId, organizationId: g.organizationId, workId: g.workId, month: g.month };
      await folder.write(
        `documents/grants/${g.id}.json`,
        `${JSON.stringify({ ...meta, algorithm: "Ed25519", signature: g.signature, keyFingerprint: g.keyFingerprint, issuedAt: g.createdAt }, null, 2)}\n`,
      );
      count += 1;
    }
  }
  return count;
}

/** Each statement as its organization reads it (the API's view). */
async function writeStatements(db: Db, folder: BooksFolder, numbers: string[]): Promise<void> {
  for (let start = 0; start < numbers.length; start += 500) {
    const rows = await db
      .select()
      .from(statements)
      .where(inArray(statements.number, numbers.slice(start, start + 500)));
    for (const s of rows) {
      const money = (amountMinor: number) => moneyJson(amountMinor, s.currency);
      const doc = {
        number: s.number,
        organizationId: s.organizationId,
        month: s.month,
        runId: s.runId,
        opening: money(s.openingMinor),
        allocated: money(s.allocatedMinor),
        paidOut: money(s.paidOutMinor),
        closing: money(s.closingMinor),
        issuedAt: s.issuedAt,
      };
      await folder.write(`documents/statements/${s.number}.json`, `${JSON.stringify(doc, null, 2)}\n`);
    }
  }
}

/** Every month's transparency report as the API serves it; verify-books recomputes its figures. */
async function writeReports(db: Db, folder: BooksFolder, deps: ExportDeps): Promise<void> {
  const now = isoNow(deps.clock);
  for (const month of await reportMonths(db, now.slice(0, 7))) {
    const report = await transparencyReport(db, month, { origin: deps.books.origin, now });
    await folder.write(`reports/${month}.json`, `${JSON.stringify(report, null, 2)}\n`);
  }
}

async function writeKeys(folder: BooksFolder, deps: ExportDeps, inUseSince: string): Promise<void> {
  await folder.write("keys/grants-signing-key.pem", deps.signer.publicKeyPem);
  await folder.write("keys/books.vkey", `${deps.books.signer.vkey}\n`);
  const keys = [
    { file: "keys/grants-signing-key.pem", purpose: "signs license grants (Ed25519, SPKI PEM)", fingerprint: deps.signer.fingerprint },
    {
      file: "keys/books.vkey",
      purpose: "signs the log's checkpoints and this export's manifest (C2SP vkey)",
      fingerprint: deps.books.signer.vkey,
    },
  ].map((k) => ({ ...k, validFrom: inUseSince, validUntil: null }));
  await folder.write("keys/keys.json", `${JSON.stringify({ keys }, null, 2)}\n`);
}

export const MANIFEST_FORMAT = "reciprocity-books/1";

async function writeManifest(
  folder: BooksFolder,
  books: BooksLog,
  at: { exportedAt: string; treeSize: number; rootHash: string },
): Promise<void> {
  const files = Object.fromEntries([...folder.hashes].sort(([a], [b]) => (a < b ? -1 : 1)));
  const body = {
    format: MANIFEST_FORMAT,
    exportedAt: at.exportedAt,
    origin: books.origin,
    checkpoint: { size: at.treeSize, rootHash: at.rootHash },
    files,
  };
  const signature = books.signer.sign(Buffer.from(canonicalJson(body), "utf8")).toString("base64");
  await writeFile(
    join(folder.dir, "MANIFEST.json"),
    `${JSON.stringify({ ...body, signature: { key: books.signer.vkey, value: signature } }, null, 2)}\n`,
  );
}
