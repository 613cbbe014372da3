// The request and response shapes of payee profiles, payout batches and income.
import { z } from "zod";
import {
  cursorQuery,
  idParamSchema,
  isoDateSchema,
  moneyInputSchema,
  moneyOutputSchema,
  monthSchema,
  nextSchema,
} from "../shared/schemas.js";
import { PAYOUT_BATCH_STATUSES, PAYOUT_STATUSES } from "./vocabulary.js";

export const payeeBody = z.strictObject({
  legalName: z.string().trim().min(1).max(70),
  country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as DE"),
  iban: z.string().min(15).max(42),
  minimumPayout: moneyInputSchema.optional(),
});

export const payeeResponse = z
  .object({
    organizationId: z.number().int(),
    legalName: z.string(),
    country: z.string(),
    iban: z.string(),
    minimumPayout: moneyOutputSchema.nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: "PayeeProfile" });

export const createBatchBody = z.strictObject({ executionDate: isoDateSchema });

export const batchResponse = z
  .object({
    id: z.number().int(),
    messageId: z.string(),
    executionDate: z.string(),
    status: z.enum(PAYOUT_BATCH_STATUSES),
    payouts: z.array(
      z.object({
        id: z.number().int(),
        organizationId: z.number().int(),
        amount: moneyOutputSchema,
        endToEndId: z.string(),
        status: z.enum(PAYOUT_STATUSES),
      }),
    ),
    total: moneyOutputSchema,
  })
  .meta({ id: "PayoutBatch" });

export const batchesResponse = z.object({ payoutBatches: z.array(batchResponse), next: nextSchema });

export const returnPayoutBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });

export const payoutResponse = z.object({
  id: z.number().int(),
  batchId: z.number().int(),
  organizationId: z.number().int(),
  amount: moneyOutputSchema,
  endToEndId: z.string(),
  status: z.enum(PAYOUT_STATUSES),
  returnReason: z.string().nullable(),
});

export const incomeResponse = z.object({
  organizationId: z.number().int(),
  months: z.array(
    z.object({
      month: z.string(),
      attributed: moneyOutputSchema,
      collected: moneyOutputSchema,
      allocated: moneyOutputSchema,
      paidOut: moneyOutputSchema,
      run: z.string().nullable(),
    }),
  ),
  payable: z.array(z.object({ balance: moneyOutputSchema, inPendingPayouts: moneyOutputSchema })),
  notPaidYet: z.array(z.string()),
});

const statementFields = {
  number: z.string(),
  organizationId: z.number().int(),
  month: z.string(),
  opening: moneyOutputSchema,
  allocated: moneyOutputSchema,
  paidOut: moneyOutputSchema,
  closing: moneyOutputSchema,
  issuedAt: z.string(),
};

export const statementsResponse = z.object({ statements: z.array(z.object(statementFields)), next: nextSchema });

export const statementResponse = z
  .object({
    ...statementFields,
    allocations: z.array(z.object({ bucket: z.string(), workSlug: z.string().nullable(), amount: moneyOutputSchema })),
    payouts: z.array(z.object({ endToEndId: z.string(), kind: z.enum(["confirmed", "returned"]), amount: moneyOutputSchema })),
  })
  .meta({ id: "Statement" });

export const statementParams = z.object({ id: idParamSchema, month: monthSchema });
export const statementsQuery = z.object(cursorQuery);
