// Inclusion proofs: every log entry that concerns an invoice (its issue, ledger transactions, payments,
// grants, credit note) or a statement, each with its audit path to a signed checkpoint.
import type { Db } from "../db/client.js";
import type { Clock } from "../shared/clock.js";
import { entriesOfInvoice, entriesOfStatement, leafHashes } from "./books.queries.js";
import type { BooksLog } from "./log-key.js";
import { checkpointCovering } from "./make-checkpoint.js";
import { inclusionProof } from "./merkle.js";

type StoredEntry = Awaited<ReturnType<typeof entriesOfInvoice>>[number];

export async function invoiceProof(db: Db, books: BooksLog, invoiceId: number, deps: { clock: Clock }) {
  return proofOf(db, books, await entriesOfInvoice(db, invoiceId), deps);
}

export async function statementProof(db: Db, books: BooksLog, statementNumber: string, deps: { clock: Clock }) {
  return proofOf(db, books, await entriesOfStatement(db, statementNumber), deps);
}

async function proofOf(db: Db, books: BooksLog, entries: StoredEntry[], deps: { clock: Clock }) {
  const last = entries.reduce((max, e) => Math.max(max, e.leafIndex), 0);
  const checkpoint = await checkpointCovering(db, books, last, deps);
  const leaves = await leafHashes(db, 0, checkpoint.treeSize);
  return {
    checkpoint: { origin: books.origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, note: checkpoint.note },
    logKey: books.signer.vkey,
    entries: entries.map((e) => ({
      index: e.leafIndex,
      kind: e.kind,
      entry: e.entry,
      leafHash: Buffer.from(e.leafHash, "hex").toString("base64"),
      proof: inclusionProof(leaves, e.leafIndex, checkpoint.treeSize).map((h) => h.toString("base64")),
    })),
  };
}
