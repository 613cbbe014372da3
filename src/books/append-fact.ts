// Appending facts to the transparency log, in the caller's transaction (`tx`), so a fact and its
// log entry commit or roll back together. Every append locks the one head row (`books_log_head`)
// for the rest of its transaction: on PostgreSQL with several processes the appends of concurrent
// transactions queue there, so leaf indexes are gapless and follow commit order; on SQLite the
// writer lock already does this.
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { lockForUpdate, queryRows, toInt } from "../db/sql.js";
import { booksEntries, booksLogHead } from "../db/schema.js";
import { assert } from "../shared/errors.js";
import { canonicalJson, type CanonicalValue } from "./canonical.js";
import { leafHashHex } from "./merkle.js";
import type { FactKind } from "./vocabulary.js";

export type FactPayload = Record<string, CanonicalValue>;

export interface Fact {
  kind: FactKind;
  payload: FactPayload;
}

/**
 * The entry's canonical JSON: the fact under `fact`, its kind, when, and 16 random bytes of salt so
 * that a small fact (an amount, a date) cannot be found by hashing guesses.
 */
export function entryText(kind: FactKind, payload: FactPayload, at: string, salt = randomBytes(16).toString("hex")): string {
  return canonicalJson({ at, fact: payload, kind, salt });
}

/** Appends one fact; returns its leaf index. A payload's numeric `invoiceId` links the entry to that invoice's proof. */
export async function appendFact(tx: Db, kind: FactKind, payload: FactPayload, at = new Date().toISOString()): Promise<number> {
  const [index] = await appendFacts(tx, [{ kind, payload }], at);
  return index!;
}

/**
 * Facts made ready for the log: each entry's text and leaf hash. They do not depend on the leaf index, so a
 * caller may make them while its own rows travel to the database (`meanwhile`, db/meanwhile.ts), and the
 * head row is locked only for the insert.
 */
export interface PreparedFacts {
  at: string;
  rows: { kind: FactKind; invoiceId: number | null; entry: string; leafHash: string }[];
}

/** Entries longer than this many UTF-16 units may exceed 64 KiB of UTF-8 (three bytes a unit at most): only they are measured. */
const SURELY_SHORT = Math.floor(65535 / 3);

export function prepareFacts(facts: readonly Fact[], at = new Date().toISOString()): PreparedFacts {
  // One draw of salt for all the facts (16 bytes each): thousands of facts at once (a run's statements).
  const salts = randomBytes(16 * facts.length).toString("hex");
  const rows = facts.map((fact, i) => {
    const entry = entryText(fact.kind, fact.payload, at, salts.slice(32 * i, 32 * i + 32));
    // A data tile frames each entry with a 16-bit length.
    if (entry.length > SURELY_SHORT) assert(Buffer.byteLength(entry) < 65536, "a log entry fits in 64 KiB");
    const invoiceId = fact.payload.invoiceId;
    return { kind: fact.kind, invoiceId: typeof invoiceId === "number" ? invoiceId : null, entry, leafHash: leafHashHex(entry) };
  });
  return { at, rows };
}

/** Appends facts in order, under one lock of the head row and one insert; returns their leaf indexes. */
export async function appendFacts(tx: Db, facts: Fact[], at = new Date().toISOString()): Promise<number[]> {
  return appendPreparedFacts(tx, prepareFacts(facts, at));
}

/** Appends prepared facts in order, under one lock of the head row and one insert; returns their leaf indexes. */
export async function appendPreparedFacts(tx: Db, prepared: PreparedFacts): Promise<number[]> {
  const count = prepared.rows.length;
  if (count === 0) return [];
  const [head] = await queryRows<{ size: unknown }>(tx, sql`select size from books_log_head where id = 1${lockForUpdate(tx)}`);
  assert(head, "the transparency log's head row exists (a migration creates it)");
  const first = toInt(head.size);
  await bulkInsert(
    tx,
    booksEntries,
    prepared.rows.map((r, i) => ({ leafIndex: first + i, ...r, createdAt: prepared.at })),
  );
  await tx
    .update(booksLogHead)
    .set({ size: first + count })
    .where(eq(booksLogHead.id, 1));
  return prepared.rows.map((_, i) => first + i);
}
