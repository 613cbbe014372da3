// The request and response shapes of the fee schedule API.
import { z } from "zod";
import { RATE_PATTERN } from "./exchange-rates.js";
import {
  currencySchema,
  isoDateSchema,
  nextSchema,
  settlementCurrencySchema,
  moneyInputSchema,
  moneyOutputSchema,
} from "../shared/schemas.js";

/** An annual fee per work above 10^12 minor units would let totals leave the safe-integer range. */
export const MAX_ANNUAL_FEE_MINOR = 1_000_000_000_000;

const bandBody = z.strictObject({
  minHeadcount: z.number().int().min(0).max(10_000_000),
  maxHeadcount: z.number().int().min(0).max(10_000_000).nullable(),
  annualFee: moneyInputSchema.refine((m) => m.amountMinor <= MAX_ANNUAL_FEE_MINOR, "is larger than the commune allows"),
});

const scheduleContent = {
  currency: settlementCurrencySchema,
  revenueCapBps: z.number().int().min(0).max(10_000).nullable().default(null),
  bands: z.array(bandBody).min(1).max(50),
};

export const createFeeScheduleBody = z.strictObject({ effectiveOn: isoDateSchema, ...scheduleContent });
export const replaceFeeScheduleBody = z.strictObject(scheduleContent);

export const feeScheduleResponse = z
  .object({
    id: z.number().int(),
    effectiveOn: z.string(),
    currency: z.string(),
    revenueCapBps: z.number().int().nullable(),
    bands: z.array(z.object({ minHeadcount: z.number().int(), maxHeadcount: z.number().int().nullable(), annualFee: moneyOutputSchema })),
    usedByBillingRun: z.boolean(),
  })
  .meta({ id: "FeeSchedule" });

export const feeSchedulesResponse = z.object({ feeSchedules: z.array(feeScheduleResponse), next: nextSchema });

export const exchangeRateBody = z.strictObject({
  fromCurrency: currencySchema,
  toCurrency: settlementCurrencySchema,
  effectiveOn: isoDateSchema,
  rate: z.string().regex(RATE_PATTERN, 'must be a positive decimal string such as "3.2654" (at most 12 decimals)'),
});

const exchangeRateView = z.object({
  id: z.number().int(),
  fromCurrency: z.string(),
  toCurrency: z.string(),
  effectiveOn: z.string(),
  rate: z.string(),
  recordedBy: z.number().int().nullable(),
  createdAt: z.string(),
});
export const exchangeRateResponse = exchangeRateView.meta({ id: "ExchangeRate" });
export const exchangeRatesResponse = z.object({ exchangeRates: z.array(exchangeRateView) });
