// `reciprocity verify-books <dir>`: checks an export offline, with nothing but the files: the
// manifest's signature and every file's hash, the log's root against its signed checkpoint, the
// journal against the log, every transaction balanced, the Beancount file against the journal,
// invoice totals and gapless numbers, grant signatures, the monthly reports' figures (verify-reports).
// Returns the first violation, or null.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { verifySignature } from "../grants/signing-key.js";
import { canonicalJson, type CanonicalValue } from "./canonical.js";
import { leafHash, rootOf } from "./merkle.js";
import { openNote, parseCheckpointBody, parseVkey, verifyEd25519 } from "./note.js";
import { JOURNAL_COLUMNS, amountText, parseCsv } from "./journal.js";
import { readBeancount } from "./beancount.js";
import { MANIFEST_FORMAT } from "./export-books.js";
import { checkReports } from "./verify-reports.js";

export class Violation extends Error {}

const fail = (message: string): never => {
  throw new Violation(message);
};

async function filesUnder(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  return found.filter((f) => f.isFile()).map((f) => relative(dir, join(f.parentPath, f.name)).split("\\").join("/"));
}

export async function verifyBooks(dir: string): Promise<string | null> {
  try {
    const manifest = await checkManifest(dir);
    const read = (path: string) => readFile(join(dir, path), "utf8");
    const vkey = parseVkey(await read("keys/books.vkey")) ?? fail("keys/books.vkey: not an Ed25519 verifier key");
    if (manifest.signature.key.trim() !== (await read("keys/books.vkey")).trim())
      fail("MANIFEST.json: signed by a key other than keys/books.vkey");
    const entries = await checkLog(await read("log/entries.jsonl"), await read("log/checkpoint"), vkey, manifest);
    const postings = checkJournal(await read("journal.csv"), entries);
    checkBeancount(await read("ledger.beancount"), postings);
    await checkInvoices(dir, manifest.files, entries);
    await checkGrants(dir, manifest.files, entries, await read("keys/grants-signing-key.pem"));
    await checkStatements(dir, manifest.files, entries);
    const report = await checkReports(dir, Object.keys(manifest.files), postings, entries);
    if (report) fail(report);
    return null;
  } catch (error) {
    if (error instanceof Violation) return error.message;
    if ((error as { code?: string }).code === "ENOENT") return `missing file: ${(error as { path?: string }).path ?? ""}`;
    if (error instanceof SyntaxError) return `unreadable file: ${error.message}`;
    throw error;
  }
}

interface Manifest {
  format: string;
  exportedAt: string;
  origin: string;
  checkpoint: { size: number; rootHash: string };
  files: Record<string, string>;
  signature: { key: string; value: string };
}

async function checkManifest(dir: string): Promise<Manifest> {
  const manifest = JSON.parse(await readFile(join(dir, "MANIFEST.json"), "utf8")) as Manifest;
  if (manifest.format !== MANIFEST_FORMAT) fail(`MANIFEST.json: format is not ${MANIFEST_FORMAT}`);
  const { signature, ...body } = manifest;
  const key = parseVkey(signature?.key ?? "") ?? fail("MANIFEST.json: no verifier key");
  const message = Buffer.from(canonicalJson(body as unknown as CanonicalValue), "utf8");
  if (!verifyEd25519(key.publicKey, message, Buffer.from(signature.value, "base64"))) fail("MANIFEST.json: the signature does not verify");
  for (const path of await filesUnder(dir)) {
    if (path === "MANIFEST.json") continue;
    const expected = manifest.files[path] ?? fail(`${path}: not listed in MANIFEST.json`);
    const actual = createHash("sha256")
      .update(await readFile(join(dir, path)))
      .digest("hex");
    if (actual !== expected) fail(`${path}: SHA-256 differs from MANIFEST.json`);
  }
  for (const path of Object.keys(manifest.files)) if (!manifest.files[path]) fail(`${path}: no hash in MANIFEST.json`);
  return manifest;
}

type Entry = { kind: string; fact: Record<string, unknown> };

function checkLogShape(text: string): string[] {
  if (text !== "" && !text.endsWith("\n")) fail("log/entries.jsonl: does not end with a newline");
  return text === "" ? [] : text.slice(0, -1).split("\n");
}

async function checkLog(text: string, note: string, vkey: NonNullable<ReturnType<typeof parseVkey>>, manifest: Manifest): Promise<Entry[]> {
  const lines = checkLogShape(text);
  const body = openNote(note, vkey) ?? fail("log/checkpoint: the signature does not verify with keys/books.vkey");
  const checkpoint = parseCheckpointBody(body) ?? fail("log/checkpoint: not a checkpoint");
  if (checkpoint.origin !== vkey.name) fail("log/checkpoint: origin differs from the key's name");
  if (checkpoint.size !== lines.length) fail(`log/entries.jsonl: ${lines.length} entries, the checkpoint says ${checkpoint.size}`);
  const root = rootOf(lines.map((l) => leafHash(l)));
  if (!root.equals(checkpoint.rootHash)) fail("log/entries.jsonl: the Merkle root differs from the signed checkpoint");
  if (manifest.checkpoint.size !== checkpoint.size || manifest.checkpoint.rootHash !== checkpoint.rootHash.toString("base64"))
    fail("MANIFEST.json: names another checkpoint than log/checkpoint");
  return lines.map((line, i) => {
    const entry = JSON.parse(line) as Entry;
    if (canonicalJson(entry as unknown as CanonicalValue) !== line) fail(`log/entries.jsonl: entry ${i} is not canonical JSON`);
    return entry;
  });
}

interface JournalPosting {
  transactionId: string;
  effectiveOn: string;
  code: string;
  beancountAccount: string;
  account: string;
  amountMinor: number;
  currency: string;
  invoiceNumber: string;
}

function checkJournal(text: string, entries: Entry[]): JournalPosting[] {
  const [header, ...rows] = parseCsv(text);
  if (header?.join(",") !== JOURNAL_COLUMNS.join(",")) fail("journal.csv: unexpected columns");
  const postings = rows.map((r, i) => {
    if (r.length !== JOURNAL_COLUMNS.length || !/^-?\d+$/.test(r[6]!)) fail(`journal.csv: row ${i + 2} is malformed`);
    return {
      transactionId: r[0]!,
      effectiveOn: r[1]!,
      code: r[2]!,
      invoiceNumber: r[3]!,
      account: r[4]!,
      beancountAccount: r[5]!,
      amountMinor: Number(r[6]),
      currency: r[7]!,
    };
  });
  const sums = new Map<string, number>();
  for (const p of postings)
    sums.set(`${p.transactionId} ${p.currency}`, (sums.get(`${p.transactionId} ${p.currency}`) ?? 0) + p.amountMinor);
  for (const [key, sum] of sums)
    if (sum !== 0) fail(`journal.csv: transaction ${key.split(" ")[0]} does not balance (${sum} ${key.split(" ")[1]})`);
  checkJournalAgainstLog(postings, entries);
  return postings;
}

/** Every ledger transaction of the log is in the journal with the same postings, and nothing else is. */
function checkJournalAgainstLog(postings: JournalPosting[], entries: Entry[]): void {
  const fromJournal = new Map<string, string[]>();
  for (const p of postings)
    fromJournal.set(p.transactionId, [...(fromJournal.get(p.transactionId) ?? []), `${p.account} ${p.amountMinor} ${p.currency}`]);
  const logged = entries.filter((e) => e.kind === "ledger_entry");
  if (logged.length !== fromJournal.size) fail(`journal.csv: ${fromJournal.size} transactions, the log holds ${logged.length}`);
  for (const e of logged) {
    const transfers = e.fact.transfers as { debitAccount: string; creditAccount: string; amountMinor: number; currency: string }[];
    const expected = transfers.flatMap((t) => [
      `${t.debitAccount} ${t.amountMinor} ${t.currency}`,
      `${t.creditAccount} ${-t.amountMinor} ${t.currency}`,
    ]);
    const id = String(e.fact.ledgerEntryId);
    if ((fromJournal.get(id) ?? []).join("|") !== expected.join("|")) fail(`journal.csv: transaction ${id} differs from its log entry`);
  }
}

function checkBeancount(text: string, postings: JournalPosting[]): void {
  const read = readBeancount(text);
  const byTx = new Map<string, JournalPosting[]>();
  for (const p of postings) byTx.set(p.transactionId, [...(byTx.get(p.transactionId) ?? []), p]);
  if (read.transactions.size !== byTx.size) fail(`ledger.beancount: ${read.transactions.size} transactions, the journal has ${byTx.size}`);
  for (const [id, ps] of byTx) {
    const t = read.transactions.get(id) ?? fail(`ledger.beancount: transaction ${id} is missing`);
    const expected = ps.map((p) => `${p.beancountAccount} ${amountText(p.amountMinor, p.currency)} ${p.currency}`).join("|");
    const actual = t.postings.map((p) => `${p.account} ${p.amount} ${p.currency}`).join("|");
    if (t.date !== ps[0]!.effectiveOn || expected !== actual) fail(`ledger.beancount: transaction ${id} differs from the journal`);
  }
  const byAccount = new Map<string, JournalPosting[]>();
  for (const p of postings)
    byAccount.set(`${p.beancountAccount} ${p.currency}`, [...(byAccount.get(`${p.beancountAccount} ${p.currency}`) ?? []), p]);
  for (const b of read.balances) {
    const sum = (byAccount.get(`${b.account} ${b.currency}`) ?? [])
      .filter((p) => p.effectiveOn < b.date)
      .reduce((s, p) => s + p.amountMinor, 0);
    if (amountText(sum, b.currency) !== b.amount)
      fail(`ledger.beancount: the balance of ${b.account} on ${b.date} differs from the journal`);
  }
}

interface InvoiceDocument {
  number: string;
  total: { amountMinor: number; currency: string };
  lines: { amount: { amountMinor: number } }[];
}

/** Each invoice's lines add up to its total, matching its log entry; numbers run 1, 2, 3 … per prefix and year. */
async function checkInvoices(dir: string, files: Record<string, string>, entries: Entry[]): Promise<void> {
  const issued = new Map(entries.filter((e) => e.kind === "invoice_issued").map((e) => [e.fact.number as string, e.fact]));
  const sequences = new Map<string, number[]>();
  for (const path of Object.keys(files).filter((f) => /^documents\/invoices\/[^/]+\.json$/.test(f))) {
    const doc = JSON.parse(await readFile(join(dir, path), "utf8")) as InvoiceDocument;
    const sum = doc.lines.reduce((s, l) => s + l.amount.amountMinor, 0);
    if (sum !== doc.total.amountMinor) fail(`${path}: the lines add up to ${sum}, the total is ${doc.total.amountMinor}`);
    const fact = issued.get(doc.number) ?? fail(`${path}: invoice ${doc.number} has no invoice_issued entry in the log`);
    if (fact.totalMinor !== doc.total.amountMinor || fact.currency !== doc.total.currency)
      fail(`${path}: the total differs from the log entry`);
    const match = /^(.+)-(\d{4})-(\d+)$/.exec(doc.number) ?? fail(`${path}: ${doc.number} is not an invoice number`);
    sequences.set(`${match[1]}-${match[2]}`, [...(sequences.get(`${match[1]}-${match[2]}`) ?? []), Number(match[3])]);
  }
  if (sequences.size === 0 && issued.size > 0) fail("documents/invoices: the log's invoices are missing");
  const documented = [...sequences.values()].reduce((n, s) => n + s.length, 0);
  if (documented !== issued.size) fail(`documents/invoices: ${documented} invoices, the log issued ${issued.size}`);
  for (const [series, numbers] of sequences) {
    numbers.sort((a, b) => a - b);
    numbers.forEach((n, i) => {
      if (n !== i + 1) fail(`documents/invoices: the numbers of ${series} are not gapless (expected ${i + 1}, found ${n})`);
    });
  }
}

/** Each grant's signature verifies with the grants key, and its document is the one the log recorded. */
async function checkGrants(dir: string, files: Record<string, string>, entries: Entry[], publicKeyPem: string): Promise<void> {
  const logged = new Map(entries.filter((e) => e.kind === "grant_issued").map((e) => [e.fact.grantId as string, e.fact]));
  const paths = Object.keys(files).filter((f) => /^documents\/grants\/[^/]+\.json$/.test(f));
  if (paths.length !== logged.size) fail(`documents/grants: ${paths.length} grants, the log issued ${logged.size}`);
  for (const path of paths) {
    const meta = JSON.parse(await readFile(join(dir, path), "utf8")) as { id: string; signature: string };
    const document = await readFile(join(dir, path.replace(/\.json$/, ".txt")), "utf8");
    if (!verifySignature(publicKeyPem, document, meta.signature)) fail(`${path}: the grant's signature does not verify`);
    const fact = logged.get(meta.id) ?? fail(`${path}: grant ${meta.id} has no grant_issued entry in the log`);
    const digest = createHash("sha256").update(document, "utf8").digest("hex");
    if (fact.documentSha256 !== digest || fact.signature !== meta.signature) fail(`${path}: the grant differs from its log entry`);
  }
}

interface StatementDocument {
  number: string;
  organizationId: number;
  month: string;
  opening: { amountMinor: number; currency: string };
  allocated: { amountMinor: number };
  paidOut: { amountMinor: number };
  closing: { amountMinor: number };
}

/** Each statement adds up (opening + allocated − paid out = closing), is the one the log recorded, and numbers run 1, 2, 3 … per year. */
async function checkStatements(dir: string, files: Record<string, string>, entries: Entry[]): Promise<void> {
  const logged = new Map(entries.filter((e) => e.kind === "statement_issued").map((e) => [e.fact.number as string, e.fact]));
  const paths = Object.keys(files).filter((f) => /^documents\/statements\/[^/]+\.json$/.test(f));
  if (paths.length !== logged.size) fail(`documents/statements: ${paths.length} statements, the log issued ${logged.size}`);
  const years = new Map<string, number[]>();
  for (const path of paths) {
    const doc = JSON.parse(await readFile(join(dir, path), "utf8")) as StatementDocument;
    const { opening, allocated, paidOut, closing } = doc;
    if (opening.amountMinor + allocated.amountMinor - paidOut.amountMinor !== closing.amountMinor)
      fail(`${path}: opening + allocated − paid out is not the closing balance`);
    const fact = logged.get(doc.number) ?? fail(`${path}: statement ${doc.number} has no statement_issued entry in the log`);
    const same =
      fact.organizationId === doc.organizationId &&
      fact.month === doc.month &&
      fact.currency === opening.currency &&
      fact.openingMinor === opening.amountMinor &&
      fact.allocatedMinor === allocated.amountMinor &&
      fact.paidOutMinor === paidOut.amountMinor &&
      fact.closingMinor === closing.amountMinor;
    if (!same) fail(`${path}: the statement differs from its log entry`);
    const match = /^ST-(\d{4})-(\d+)$/.exec(doc.number) ?? fail(`${path}: ${doc.number} is not a statement number`);
    years.set(match[1]!, [...(years.get(match[1]!) ?? []), Number(match[2])]);
  }
  for (const [year, numbers] of years) {
    numbers.sort((a, b) => a - b);
    numbers.forEach((n, i) => {
      if (n !== i + 1) fail(`documents/statements: the numbers of ST-${year} are not gapless (expected ${i + 1}, found ${n})`);
    });
  }
}
