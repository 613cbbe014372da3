// Checkpoints: the log's size and root hash, signed as a C2SP note. Made outside the transactions
// that append facts (on a timer and after billing runs), so no fact waits for a signature; a
// checkpoint of a size already signed is not made twice.
import type { Db } from "../db/client.js";
import { booksCheckpoints } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { latestCheckpoint, leafHashes, logSize, type StoredCheckpoint } from "./books.queries.js";
import type { BooksLog } from "./log-key.js";
import { rootOf } from "./merkle.js";
import { checkpointBody, signNote } from "./note.js";

export async function makeCheckpoint(db: Db, books: BooksLog, deps: { clock: Clock }): Promise<StoredCheckpoint> {
  const size = await logSize(db);
  const latest = await latestCheckpoint(db);
  if (latest && latest.treeSize >= size) return latest;
  const rootHash = rootOf(await leafHashes(db, 0, size));
  const note = signNote(checkpointBody({ origin: books.origin, size, rootHash }), [books.signer]);
  const row = { treeSize: size, rootHash: rootHash.toString("base64"), note, createdAt: isoNow(deps.clock) };
  // Another process may sign the same size meanwhile: the same root and, Ed25519 being deterministic, the same note.
  await db.transaction(async (tx) => {
    await tx.insert(booksCheckpoints).values(row).onConflictDoNothing();
  });
  return row;
}

/** A checkpoint that covers leaf `index`: the latest, or a new one when the latest is older. */
export async function checkpointCovering(db: Db, books: BooksLog, index: number, deps: { clock: Clock }): Promise<StoredCheckpoint> {
  const latest = await latestCheckpoint(db);
  if (latest && latest.treeSize > index) return latest;
  return makeCheckpoint(db, books, deps);
}
