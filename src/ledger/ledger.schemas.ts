// The request and response shapes of the ledger API.
import { z } from "zod";
import { cursorQuery, moneyOutputSchema, nextSchema } from "../shared/schemas.js";
import { ACCOUNT_TYPES } from "./accounts.js";
import { LEDGER_CODES } from "./vocabulary.js";

export const ledgerBalancesResponse = z.object({
  accounts: z.array(
    z.object({
      account: z.string(),
      type: z.enum(ACCOUNT_TYPES),
      debits: moneyOutputSchema,
      credits: moneyOutputSchema,
      balance: moneyOutputSchema,
    }),
  ),
  /** Per currency, over every account (all pages): debits equal credits. */
  totals: z.array(z.object({ debits: moneyOutputSchema, credits: moneyOutputSchema })),
  next: nextSchema,
});

export const ledgerBalancesQuery = z.object(cursorQuery);

/** A balances cursor: the last account shown and its currency (code point order). */
export const ledgerBalancesCursor = z.tuple([z.string().max(200), z.string().max(10)]);

export const ledgerTransactionsQuery = z.object(cursorQuery);

/** A transactions cursor: the last transaction's id (newest first). */
export const ledgerTransactionsCursor = z.tuple([z.number().int().positive()]);

export const ledgerTransactionsResponse = z.object({
  transactions: z.array(
    z.object({
      id: z.number().int(),
      code: z.enum(LEDGER_CODES),
      description: z.string(),
      invoiceId: z.number().int().nullable(),
      paymentId: z.number().int().nullable(),
      refundId: z.number().int().nullable(),
      effectiveOn: z.string(),
      createdAt: z.string(),
      transfers: z.array(
        z.object({
          id: z.number().int(),
          debitAccount: z.string(),
          creditAccount: z.string(),
          amount: moneyOutputSchema,
          reversesTransferId: z.number().int().nullable(),
        }),
      ),
    }),
  ),
  next: nextSchema,
});
