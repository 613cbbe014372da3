// What `ledger check` holds the books to. An invariant is a name (what the CLI prints) and a query that
// returns one description per violation, none when it holds. Each feature that keeps books defines its
// invariants beside its code and adds them to `BOOK_INVARIANTS` (book-invariants.ts).
import type { Db } from "../db/client.js";

export interface Invariant {
  /** Stable, readable: printed as `ledger check failed: <name>: <violation>`. */
  name: string;
  violations: (db: Db, reads: SharedReads) => Promise<string[]>;
}

/** Reads several invariants of one check share: the first asks, the others reuse the answer. */
export class SharedReads {
  private readonly answers = new Map<string, Promise<unknown>>();

  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (!this.answers.has(key)) this.answers.set(key, read());
    return this.answers.get(key) as Promise<T>;
  }
}

export interface LedgerViolation {
  invariant: string;
  detail: string;
}

export type Row = Record<string, unknown>;
