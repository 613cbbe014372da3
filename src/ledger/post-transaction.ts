// The only writer of the ledger. Each transfer moves a positive amount from a credit account to
// a debit account, so every transaction balances by construction; rows are never updated.
import type { Db } from "../db/client.js";
import { toInt } from "../db/sql.js";
import { ledgerTransactions, ledgerTransfers } from "../db/schema.js";
import { assert } from "../shared/errors.js";
import type { LedgerCode } from "./vocabulary.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { appendPreparedFacts, prepareFacts } from "../books/append-fact.js";
import { meanwhile } from "../db/meanwhile.js";
import { withoutAbsent } from "../books/canonical.js";

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
  refundId?: number | null;
  effectiveOn: string;
  transfers: TransferInput[];
}

/** Must run inside the caller's transaction (`tx`). Returns null when there is nothing to move. */
export async function postTransaction(tx: Db, input: TransactionInput, createdAt: string): Promise<number | null> {
  const [id] = await postTransactions(tx, [input], createdAt);
  return id ?? null;
}

/**
 * Posts many transactions at once, inside the caller's transaction (`tx`): one insert for the
 * transactions and one for all their transfers. Returns the id of each input's transaction, null
 * where there was nothing to move.
 */
export async function postTransactions(tx: Db, inputs: TransactionInput[], createdAt: string): Promise<(number | null)[]> {
  const posted = inputs.map((input, index) => ({ input, index, transfers: movingTransfers(input) })).filter((p) => p.transfers.length > 0);
  const result: (number | null)[] = inputs.map(() => null);
  if (posted.length === 0) return result;
  const rows = await bulkInsert(
    tx,
    ledgerTransactions,
    posted.map(({ input }) => ({
      code: input.code,
      description: input.description,
      invoiceId: input.invoiceId ?? null,
      paymentId: input.paymentId ?? null,
      refundId: input.refundId ?? null,
      effectiveOn: input.effectiveOn,
      createdAt,
    })),
    { returning: ["id", "description"] },
  );
  // Identity values are drawn row by row in insertion order on both engines, while the order
  // RETURNING lists rows in is unspecified: sorted by id, the rows are the inputs, in order.
  const created = rows.map((r) => ({ id: toInt(r.id), description: r.description as string })).sort((a, b) => a.id - b.id);
  posted.forEach((p, i) => {
    assert(created[i]?.description === p.input.description, "ledger transactions are numbered in insertion order");
    result[p.index] = created[i].id;
  });
  const transfers = posted.flatMap(({ transfers, index }) =>
    transfers.map((t) => ({
      transactionId: result[index]!,
      debitAccount: t.debitAccount,
      creditAccount: t.creditAccount,
      amountMinor: t.amountMinor,
      currency: t.currency,
      reversesTransferId: t.reversesTransferId ?? null,
      createdAt,
    })),
  );
  // Every ledger transaction reaches the transparency log in its own database transaction; the entries
  // are made while the transfers are inserted.
  const [, facts] = await meanwhile(bulkInsert(tx, ledgerTransfers, transfers), () =>
    prepareFacts(
      posted.map(({ input, index, transfers }) => ({
        kind: "ledger_entry" as const,
        payload: ledgerFact(result[index]!, input, transfers),
      })),
      createdAt,
    ),
  );
  await appendPreparedFacts(tx, facts);
  return result;
}

/** A ledger transaction as a log entry: its id, code, date, links and every transfer. */
function ledgerFact(id: number, input: TransactionInput, transfers: TransferInput[]) {
  return withoutAbsent({
    ledgerEntryId: id,
    code: input.code,
    description: input.description,
    effectiveOn: input.effectiveOn,
    invoiceId: input.invoiceId,
    paymentId: input.paymentId,
    transfers: transfers.map((t) =>
      withoutAbsent({
        debitAccount: t.debitAccount,
        creditAccount: t.creditAccount,
        amountMinor: t.amountMinor,
        currency: t.currency,
        reversesTransferId: t.reversesTransferId,
      }),
    ),
  });
}

function movingTransfers(input: TransactionInput): TransferInput[] {
  const transfers = input.transfers.filter((t) => t.amountMinor !== 0);
  for (const t of transfers) {
    assert(Number.isSafeInteger(t.amountMinor) && t.amountMinor > 0, `transfer amount ${t.amountMinor} must be a positive integer`);
    assert(t.debitAccount !== t.creditAccount, "a transfer moves between two accounts");
  }
  return transfers;
}

/** Transfers per ledger entry: each entry is one leaf of the transparency log, which holds up to 64 KiB. */
export const TRANSFERS_PER_ENTRY = 200;

/** A long list of transfers as several ledger entries (one when it is short). */
export function inParts<T>(transfers: readonly T[], size = TRANSFERS_PER_ENTRY): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < transfers.length; i += size) parts.push(transfers.slice(i, i + size));
  return parts.length ? parts : [[]];
}
