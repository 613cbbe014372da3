// Request vocabulary shared by several features.
import { z } from "zod";
import { isCurrency, isSettlementCurrency } from "./currencies.js";
import { parseDecimalToMinor, type Money } from "./money.js";

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR")
  .refine(isCurrency, "is not an ISO 4217 currency");

/** A currency invoices are written in: fund codes and units of account (CLF, XDR, …) are refused. */
export const settlementCurrencySchema = currencySchema.refine(
  isSettlementCurrency,
  "is an ISO 4217 fund code or unit of account, not a currency invoices are paid in",
);

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(isRealDate, "is not a calendar date");

/**
 * Control characters (C0, DEL, C1), the Unicode line and paragraph separators and the bidirectional
 * controls. Text that reaches a signed document (a grant names its licensee, work and licensor) must
 * not carry them: a line break would let a name forge a field of the document, a bidi control would
 * make it read otherwise than it is signed.
 */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export const hasControlCharacters = (s: string): boolean => CONTROL_CHARACTERS.test(s);

/**
 * The one refinement for text that may reach a signed document: organization names, work titles and
 * the other names and texts a document shows. The 422 names the field.
 */
export function plainText<T extends z.ZodType<string>>(schema: T) {
  return schema.refine((s) => !hasControlCharacters(s), "must not contain control characters (line breaks, tabs, bidirectional controls)");
}

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month YYYY-MM");

/**
 * Money input: `{amountMinor, currency}` or `{amount: "123.45", currency}`. A JSON number with a
 * fraction is refused: binary floating point cannot carry money.
 */
export const moneyInputSchema = z
  .strictObject({
    amountMinor: z.unknown().optional(),
    amount: z.unknown().optional(),
    currency: currencySchema,
  })
  .meta({
    description: 'Either {"amountMinor": 12345, "currency": "EUR"} or {"amount": "123.45", "currency": "EUR"}',
  })
  .transform((v, ctx): Money => {
    const fail = (path: string, message: string) => {
      ctx.addIssue({ code: "custom", path: [path], message });
      return z.NEVER;
    };
    if (v.amountMinor !== undefined && v.amount !== undefined) return fail("amount", "give either amount or amountMinor, not both");
    if (v.amountMinor !== undefined) {
      if (typeof v.amountMinor !== "number" || !Number.isSafeInteger(v.amountMinor)) {
        return fail("amountMinor", "must be an integer count of minor units");
      }
      if (v.amountMinor < 0) return fail("amountMinor", "must not be negative");
      return { amountMinor: v.amountMinor, currency: v.currency };
    }
    if (v.amount === undefined) return fail("amount", 'is required (a decimal string such as "123.45")');
    if (typeof v.amount === "number") return fail("amount", 'must be a decimal string such as "123.45", not a JSON number');
    if (typeof v.amount !== "string") return fail("amount", 'must be a decimal string such as "123.45"');
    const parsed = parseDecimalToMinor(v.amount, v.currency);
    if (typeof parsed === "string") return fail("amount", parsed);
    if (parsed < 0) return fail("amount", "must not be negative");
    return { amountMinor: parsed, currency: v.currency };
  });

/** Money on output: what `moneyJson` produces. */
export const moneyOutputSchema = z
  .object({ amountMinor: z.number().int(), currency: z.string(), formatted: z.string() })
  .meta({ id: "Money" });

/** Every list's query: `?limit=` and the opaque `?cursor=` of the page before (src/http/pagination.ts). */
export const cursorQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
};

/** Every list's `next`: the next page's URL, null on the last page. */
export const nextSchema = z.string().nullable();

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem" });

/** Ids are 32-bit integers on both engines: a larger number names nothing, it is not a database error. */
export const MAX_ID = 2_147_483_647;
/** An id in a path or query string. */
export const idParamSchema = z.coerce.number().int().positive().max(MAX_ID);
/** An id in a JSON body. */
export const idSchema = z.number().int().positive().max(MAX_ID);
