// An invoice's inclusion proof: every log entry that concerns the invoice (its issue, ledger
// transactions, payments, grants, credit note), each with its audit path to a signed checkpoint.
import type { Db } from "../db/client.js";
import type { Clock } from "../shared/clock.js";
import { entriesOfInvoice, leafHashes } from "./books.queries.js";
import type { BooksLog } from "./log-key.js";
import { checkpointCovering } from "./make-checkpoint.js";
import { inclusionProof } from "./merkle.js";

export async function invoiceProof(db: Db, books: BooksLog, invoiceId: number, deps: { clock: Clock }) {
  const entries = await entriesOfInvoice(db, invoiceId);
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
