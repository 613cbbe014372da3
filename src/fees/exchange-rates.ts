// Exchange rates a treasurer records, so that an annual revenue declared in another currency than the
// fee schedule's still caps the fee (PRODUCT.md §4) — converted, never silently left uncapped.
import { and, asc, desc, eq, lte } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/sql.js";
import { exchangeRates } from "../db/schema.js";
import { minorDigits } from "../shared/currencies.js";
import { AppError } from "../shared/errors.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { divideFloor, formatMoney, toSafeNumber } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import type { SizeFactsInForce } from "./compute-fees.js";
import { refuseBilledMonth } from "./fee-schedules.queries.js";

export type ExchangeRate = typeof exchangeRates.$inferSelect;

/** A rate: a positive decimal string with at most 12 decimals ("3.2654"), units of `to` per unit of `from`. */
export const RATE_PATTERN = /^(?!0+(?:\.0+)?$)\d{1,9}(?:\.\d{1,12})?$/;

/** The rate as an exact fraction. */
function rateFraction(rate: string): { numerator: bigint; denominator: bigint } {
  const [whole = "0", fraction = ""] = rate.split(".");
  return { numerator: BigInt(whole + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/** `amountMinor` of `from` in minor units of `to` at `rate`, computed exactly and floored once. */
export function convertMinor(amountMinor: number, from: string, to: string, rate: string): number {
  const { numerator, denominator } = rateFraction(rate);
  const scale = BigInt(minorDigits(to)) - BigInt(minorDigits(from));
  const up = scale > 0n ? 10n ** scale : 1n;
  const down = scale < 0n ? 10n ** -scale : 1n;
  return toSafeNumber(divideFloor(BigInt(amountMinor) * numerator * up, denominator * down));
}

export async function listExchangeRates(db: Db): Promise<ExchangeRate[]> {
  return db
    .select()
    .from(exchangeRates)
    .orderBy(asc(exchangeRates.fromCurrency), asc(exchangeRates.toCurrency), asc(exchangeRates.effectiveOn));
}

/** The rate from `from` to `to` in force on `date`: the latest recorded effective on or before it. */
export function rateOn(rates: ExchangeRate[], from: string, to: string, date: string): ExchangeRate | undefined {
  let found: ExchangeRate | undefined;
  for (const r of rates)
    if (r.fromCurrency === from && r.toCurrency === to && r.effectiveOn <= date && (!found || r.effectiveOn >= found.effectiveOn))
      found = r;
  return found;
}

export async function exchangeRateOn(db: Db, from: string, to: string, date: string): Promise<ExchangeRate | undefined> {
  const [row] = await db
    .select()
    .from(exchangeRates)
    .where(and(eq(exchangeRates.fromCurrency, from), eq(exchangeRates.toCurrency, to), lte(exchangeRates.effectiveOn, date)))
    .orderBy(desc(exchangeRates.effectiveOn))
    .limit(1);
  return row;
}

/**
 * The facts with their revenue in `currency`: as they are when it is already, converted at the rate in
 * force on `date` otherwise (with a note saying so), or "missing" when no rate is recorded.
 */
export function revenueInCurrency(
  facts: SizeFactsInForce | null,
  currency: string,
  rates: ExchangeRate[],
  date: string,
): { facts: SizeFactsInForce | null; notes: string[] } | "missing" {
  if (!facts || facts.annualRevenueMinor === null || facts.revenueCurrency === null || facts.revenueCurrency === currency)
    return { facts, notes: [] };
  const rate = rateOn(rates, facts.revenueCurrency, currency, date);
  if (!rate) return "missing";
  const converted = convertMinor(facts.annualRevenueMinor, facts.revenueCurrency, currency, rate.rate);
  return {
    facts: { ...facts, annualRevenueMinor: converted, revenueCurrency: currency },
    notes: [
      `Annual revenue of ${formatMoney(facts.annualRevenueMinor, facts.revenueCurrency)} converted at ${rate.rate} ${currency} per ${facts.revenueCurrency} (rate of ${rate.effectiveOn}): ${formatMoney(converted, currency)}.`,
    ],
  };
}

export async function recordExchangeRate(
  db: Db,
  input: { fromCurrency: string; toCurrency: string; effectiveOn: string; rate: string; actorUserId: number },
  deps: { clock: Clock },
): Promise<ExchangeRate> {
  if (input.fromCurrency === input.toCurrency)
    throw new AppError("validation_failed", "A rate converts between two currencies.", {
      errors: [{ path: "/toCurrency", message: "must differ from fromCurrency" }],
    });
  try {
    return await db.transaction(async (tx) => {
      await refuseBilledMonth(tx, input.effectiveOn, "This exchange rate");
      const [row] = await tx
        .insert(exchangeRates)
        .values({ ...input, recordedBy: input.actorUserId, createdAt: isoNow(deps.clock) })
        .returning();
      await recordAudit(
        tx,
        { actorUserId: input.actorUserId, action: "exchange_rate.recorded", entityType: "exchange_rate", entityId: row!.id, after: row },
        deps.clock,
      );
      return row!;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("conflict", `A ${input.fromCurrency}→${input.toCurrency} rate takes effect on ${input.effectiveOn} already.`);
    throw error;
  }
}
