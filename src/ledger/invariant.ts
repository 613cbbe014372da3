// What `ledger check` holds the books to. An invariant is a name (what the CLI prints) and a query that
// returns one description per violation, none when it holds. Each feature that keeps books defines its
// invariants beside its code and adds them to `BOOK_INVARIANTS` (book-invariants.ts).
import type { Db } from "../db/client.js";

export interface Invariant {
  /** Stable, readable: printed as `ledger check failed: <name>: <violation>`. */
  name: string;
  violations: (db: Db) => Promise<string[]>;
}

export interface LedgerViolation {
  invariant: string;
  detail: string;
}

export type Row = Record<string, unknown>;
