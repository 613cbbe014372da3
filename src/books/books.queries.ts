// Reads of the transparency log: its size, leaf hashes, entries and checkpoints.
import { and, asc, desc, eq, gte, like, lt } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { booksCheckpoints, booksEntries, booksLogHead } from "../db/schema.js";
import type { Hash } from "./merkle.js";

/** The committed size of the log (entries below it are all committed: appends update the head last). */
export async function logSize(db: Db): Promise<number> {
  const [head] = await db.select({ size: booksLogHead.size }).from(booksLogHead).where(eq(booksLogHead.id, 1));
  return head?.size ?? 0;
}

/** Leaf hashes of indexes [from, to), in order. */
export async function leafHashes(db: Db, from: number, to: number): Promise<Hash[]> {
  if (to <= from) return [];
  const rows = await db
    .select({ leafHash: booksEntries.leafHash })
    .from(booksEntries)
    .where(and(gte(booksEntries.leafIndex, from), lt(booksEntries.leafIndex, to)))
    .orderBy(asc(booksEntries.leafIndex));
  return rows.map((r) => Buffer.from(r.leafHash, "hex"));
}

export async function entriesBetween(db: Db, from: number, to: number) {
  return db
    .select()
    .from(booksEntries)
    .where(and(gte(booksEntries.leafIndex, from), lt(booksEntries.leafIndex, to)))
    .orderBy(asc(booksEntries.leafIndex));
}

export async function entriesOfInvoice(db: Db, invoiceId: number) {
  return db.select().from(booksEntries).where(eq(booksEntries.invoiceId, invoiceId)).orderBy(asc(booksEntries.leafIndex));
}

/** A statement's entry: its canonical JSON names its number once (keys sorted, no spaces). */
export async function entriesOfStatement(db: Db, statementNumber: string) {
  return db
    .select()
    .from(booksEntries)
    .where(and(eq(booksEntries.kind, "statement_issued"), like(booksEntries.entry, `%"number":${JSON.stringify(statementNumber)}%`)))
    .orderBy(asc(booksEntries.leafIndex));
}

export type StoredCheckpoint = typeof booksCheckpoints.$inferSelect;

export async function latestCheckpoint(db: Db): Promise<StoredCheckpoint | undefined> {
  const [row] = await db.select().from(booksCheckpoints).orderBy(desc(booksCheckpoints.treeSize)).limit(1);
  return row;
}
