// Every invariant `ledger check` proves, in the order it reports them: the ledger's own first, then
// each feature's that keeps books. A new feature adds its list here.
import { INVOICE_INVARIANTS } from "../invoices/invoice-invariants.js";
import { DISTRIBUTION_CHECKS } from "../distribution/check-distribution.js";
import type { Invariant } from "./invariant.js";
import { LEDGER_INVARIANTS } from "./ledger-invariants.js";
import { BOND_INVARIANTS } from "../bonds/bond-invariants.js";

const DISTRIBUTION_INVARIANTS: Invariant[] = DISTRIBUTION_CHECKS.map((check) => ({
  name: check.invariant,
  violations: async (db) => (await check.rows(db)).map(check.describe),
}));

export const BOOK_INVARIANTS: readonly Invariant[] = [
  ...LEDGER_INVARIANTS,
  ...INVOICE_INVARIANTS,
  ...DISTRIBUTION_INVARIANTS,
  ...BOND_INVARIANTS,
];
