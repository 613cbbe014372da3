// The only writer of the ledger. Each transfer moves a positive amount from a credit account to
// a debit account, so every transaction balances by construction; rows are never updated.
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import type { LedgerCode } from "../db/schema.js";
import { assert } from "../shared/errors.js";

export interface TransferInput {
  debitAccount: string;
  creditAccount: string;
  amountMinor: number;
  currency: string;
  reversesTransferId?: number | null;
}

export interface TransactionInput {
  code: LedgerCode;
  description: string;
  invoiceId?: number | null;
  paymentId?: number | null;
  effectiveOn: string;
  transfers: TransferInput[];
}

/** Must run inside the caller's transaction. Returns null when there is nothing to move. */
export function postTransaction(db: Db, input: TransactionInput, createdAt: string): number | null {
  const transfers = input.transfers.filter((t) => t.amountMinor !== 0);
  if (transfers.length === 0) return null;
  for (const t of transfers) {
    assert(Number.isSafeInteger(t.amountMinor) && t.amountMinor > 0, `transfer amount ${t.amountMinor} must be a positive integer`);
    assert(t.debitAccount !== t.creditAccount, "a transfer moves between two accounts");
  }
  const txId = Number(
    prepared(
      db,
      "insert into ledger_transactions (code, description, invoice_id, payment_id, effective_on, created_at) values (?, ?, ?, ?, ?, ?)",
    ).run(input.code, input.description, input.invoiceId ?? null, input.paymentId ?? null, input.effectiveOn, createdAt).lastInsertRowid,
  );
  const insertTransfer = prepared(
    db,
    "insert into ledger_transfers (transaction_id, debit_account, credit_account, amount_minor, currency, reverses_transfer_id, created_at) values (?, ?, ?, ?, ?, ?, ?)",
  );
  for (const t of transfers)
    insertTransfer.run(txId, t.debitAccount, t.creditAccount, t.amountMinor, t.currency, t.reversesTransferId ?? null, createdAt);
  return txId;
}
