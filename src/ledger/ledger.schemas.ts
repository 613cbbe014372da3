// The request and response shapes of the ledger API.
import { z } from "zod";
import { idParamSchema, moneyOutputSchema } from "../shared/schemas.js";
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
  totals: z.array(z.object({ debits: moneyOutputSchema, credits: moneyOutputSchema })),
});

export const ledgerTransactionsQuery = z.object({
  before: idParamSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

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
});
