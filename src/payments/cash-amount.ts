// What cash moving against an invoice must be, in or out: the invoice's currency, whole hundredths where the
// currency has three decimals (invoiceStepMinor), positive, and within what is open (outstanding for a
// payment, the refund due for a refund).
import { invoiceStepMinor } from "../shared/currencies.js";
import { AppError, type ErrorCode } from "../shared/errors.js";
import { formatMoney, type Money } from "../shared/money.js";

export interface CashLimit {
  noun: "payment" | "refund";
  limitMinor: number;
  /** The code and the sentence when the amount is above the limit, given the formatted limit. */
  code: ErrorCode;
  exceeds: (limit: string) => string;
}

export function checkCashAmount(invoice: { currency: string }, amount: Money, limit: CashLimit): void {
  const currency = invoice.currency;
  if (amount.currency !== currency) {
    throw new AppError("validation_failed", `The invoice is in ${currency}.`, {
      errors: [{ path: "/amount/currency", message: `must be ${currency}` }],
    });
  }
  const step = invoiceStepMinor(currency);
  if (amount.amountMinor % step !== 0) {
    throw new AppError("validation_failed", `${currency} invoices are paid in whole hundredths.`, {
      errors: [{ path: "/amount", message: `must be a multiple of ${formatMoney(step, currency)}` }],
    });
  }
  if (amount.amountMinor <= 0)
    throw new AppError("validation_failed", `A ${limit.noun} must be positive.`, {
      errors: [{ path: "/amount", message: "must be positive" }],
    });
  if (amount.amountMinor > limit.limitMinor) {
    const formatted = formatMoney(limit.limitMinor, currency);
    throw new AppError(limit.code, limit.exceeds(formatted), { errors: [{ path: "/amount", message: `must not exceed ${formatted}` }] });
  }
}
