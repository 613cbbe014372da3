// The request and response shapes of the invoices API.
import { z } from "zod";
import {
  idParamSchema,
  isoDateSchema,
  monthSchema,
  moneyInputSchema,
  moneyOutputSchema,
  cursorQuery,
  nextSchema,
} from "../shared/schemas.js";
import { INVOICE_REF_PATTERN } from "./invoice-rules.js";
import { INVOICE_LINE_KINDS, INVOICE_STATUSES } from "./vocabulary.js";

/** An invoice in a path: its number, or the id of a held invoice. */
export const invoiceNumberParam = z.object({ number: z.string().regex(INVOICE_REF_PATTERN) });

export const listInvoicesQuery = z.object({
  status: z.enum(INVOICE_STATUSES).optional(),
  month: monthSchema.optional(),
  organizationId: idParamSchema.optional(),
  ...cursorQuery,
});

/** An invoice list cursor: the last invoice's month and id. */
export const invoicesCursor = z.tuple([monthSchema, z.number().int().positive()]);

export const invoiceListResponse = z.object({
  /** Every invoice the filters match, on all pages. */
  total: z.number().int(),
  next: nextSchema,
  invoices: z.array(
    z.object({
      id: z.number().int(),
      number: z.string().nullable(),
      status: z.enum(INVOICE_STATUSES),
      organizationId: z.number().int(),
      organizationName: z.string(),
      month: z.string(),
      issuedOn: z.string().nullable(),
      dueOn: z.string().nullable(),
      total: moneyOutputSchema,
      outstanding: moneyOutputSchema,
    }),
  ),
});

export const invoiceResponse = z
  .object({
    id: z.number().int(),
    number: z.string().nullable(),
    status: z.enum(INVOICE_STATUSES),
    organizationId: z.number().int(),
    month: z.string(),
    issuedOn: z.string().nullable(),
    dueOn: z.string().nullable(),
    currency: z.string(),
    seller: z.object({ name: z.string(), country: z.string(), address: z.string(), vatId: z.string().nullable() }),
    buyer: z.object({ organizationId: z.number().int(), name: z.string(), country: z.string().nullable() }),
    lines: z.array(
      z.object({
        workSlug: z.string().nullable(),
        month: z.string().describe("The month the line bills: the invoice's, or an earlier one caught up"),
        kind: z.enum(INVOICE_LINE_KINDS),
        description: z.string(),
        amount: moneyOutputSchema,
        days: z.number().int().nullable(),
        daysInMonth: z.number().int().nullable(),
        annualFee: moneyOutputSchema.nullable(),
      }),
    ),
    total: moneyOutputSchema,
    paid: moneyOutputSchema,
    credited: moneyOutputSchema,
    outstanding: moneyOutputSchema,
    note: z.string().nullable(),
    paymentInstructions: z.object({ payee: z.string(), iban: z.string().nullable(), reference: z.string(), text: z.string() }).nullable(),
    /** Refunded so far, and still to refund: what a void invoice had been paid, less the refunds. */
    refunded: moneyOutputSchema,
    refundDue: moneyOutputSchema,
    payments: z.array(z.object({ id: z.number().int(), amount: moneyOutputSchema, paidOn: z.string(), reference: z.string() })),
    refunds: z.array(z.object({ id: z.number().int(), amount: moneyOutputSchema, paidOn: z.string(), reference: z.string() })),
    creditNote: z.object({ reason: z.string(), amount: moneyOutputSchema, createdAt: z.string() }).nullable(),
  })
  .meta({ id: "Invoice" });

export const paymentBody = z.strictObject({
  amount: moneyInputSchema,
  paidOn: isoDateSchema,
  reference: z.string().trim().min(1).max(200),
});

export const paymentResponse = z
  .object({ id: z.number().int(), invoiceNumber: z.string(), amount: moneyOutputSchema, paidOn: z.string(), reference: z.string() })
  .meta({ id: "Payment" });

/** A refund paid out of a void invoice's refund due: the same shape as a payment. */
export const refundBody = paymentBody;

export const refundResponse = z
  .object({ id: z.number().int(), invoiceNumber: z.string(), amount: moneyOutputSchema, paidOn: z.string(), reference: z.string() })
  .meta({ id: "Refund" });

export const voidInvoiceBody = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
