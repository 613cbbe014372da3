// Proves the books whole: every invariant of `BOOK_INVARIANTS` against the database, each violation
// named by its invariant. Reads only.
import type { Db } from "../db/client.js";
import { BOOK_INVARIANTS } from "./book-invariants.js";
import { SharedReads, type Invariant, type LedgerViolation } from "./invariant.js";

export type { LedgerViolation } from "./invariant.js";

export async function checkLedger(db: Db, invariants: readonly Invariant[] = BOOK_INVARIANTS): Promise<LedgerViolation[]> {
  const violations: LedgerViolation[] = [];
  const reads = new SharedReads();
  for (const invariant of invariants) {
    for (const detail of await invariant.violations(db, reads)) violations.push({ invariant: invariant.name, detail });
  }
  return violations;
}
