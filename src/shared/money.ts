// Money is an integer count of minor units and an ISO 4217 code. Nothing here uses floating
// point on an amount: decimal strings are parsed straight to integers, products go through
// BigInt, and every division names its rounding.
import { assert } from "./errors.js";
import { minorDigits } from "./currencies.js";

export interface Money {
  amountMinor: number;
  currency: string;
}

export function assertSafeMinor(amountMinor: number): void {
  assert(Number.isSafeInteger(amountMinor), `amount ${amountMinor} is not a safe integer`);
}

/**
 * Parses a decimal string such as "123.45" into minor units of `currency`. Returns an error
 * message (not a throw) so validators can attach it to a field.
 */
export function parseDecimalToMinor(amount: string, currency: string): number | string {
  const m = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(amount);
  if (!m) return 'must be a decimal string such as "123.45"';
  const digits = minorDigits(currency);
  const fraction = m[3] ?? "";
  if (fraction.length > digits) {
    return digits === 0
      ? `${currency} has no minor unit: no decimals allowed`
      : `${currency} allows at most ${digits} decimal${digits === 1 ? "" : "s"}`;
  }
  const minor = BigInt(m[2] + fraction.padEnd(digits, "0"));
  const signed = m[1] ? -minor : minor;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
    return "is too large";
  }
  return Number(signed);
}

/** "1234.50" for 123450 EUR minor units; exact, no Intl. */
export function toDecimalString(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const negative = amountMinor < 0;
  const abs = Math.abs(amountMinor).toString();
  if (digits === 0) return (negative ? "-" : "") + abs;
  const padded = abs.padStart(digits + 1, "0");
  const whole = padded.slice(0, -digits);
  return `${negative ? "-" : ""}${whole}.${padded.slice(-digits)}`;
}

/** "EUR 1,234.50": grouping by hand so output never depends on the runtime's locale data. */
export function formatMoney(amountMinor: number, currency: string): string {
  const s = toDecimalString(amountMinor, currency);
  const negative = s.startsWith("-");
  const [whole = "0", fraction] = (negative ? s.slice(1) : s).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${currency} ${grouped}${fraction === undefined ? "" : "." + fraction}`;
}

export function moneyJson(amountMinor: number, currency: string): Money & { formatted: string } {
  assertSafeMinor(amountMinor);
  return { amountMinor, currency, formatted: formatMoney(amountMinor, currency) };
}

/** numerator / denominator rounded half away from zero (numerator >= 0 in every use here). */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  assert(denominator > 0n, "denominator must be positive");
  assert(numerator >= 0n, "numerator must be non-negative");
  return (numerator * 2n + denominator) / (denominator * 2n);
}

export function divideFloor(numerator: bigint, denominator: bigint): bigint {
  assert(denominator > 0n, "denominator must be positive");
  assert(numerator >= 0n, "numerator must be non-negative");
  return numerator / denominator;
}

export function toSafeNumber(value: bigint): number {
  assert(value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER), "amount overflow");
  return Number(value);
}

/**
 * LRM (largest remainder): splits `total` minor units over `weights` in proportion, exactly. Every
 * share is floored, then the leftover units go one each to the largest fractional remainders, ties to
 * the lowest position — so callers order `weights` by the tie-break rule they document (PRODUCT.md §11:
 * bucket order, then work id, then organization id). The shares always sum to `total`.
 */
export function splitLargestRemainder(total: number, weights: readonly (number | bigint)[]): number[] {
  assert(Number.isSafeInteger(total) && total >= 0, "total must be a non-negative safe integer");
  const w = weights.map((x) => BigInt(x));
  assert(
    w.every((x) => x >= 0n),
    "weights must be non-negative",
  );
  const sum = w.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    assert(total === 0, "cannot split a non-zero total over zero weights");
    return w.map(() => 0);
  }
  const t = BigInt(total);
  const floors = w.map((x) => (t * x) / sum);
  const remainders = w.map((x, i) => ({ i, r: (t * x) % sum }));
  let left = t - floors.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    floors[i] = floors[i]! + 1n;
    left -= 1n;
  }
  return floors.map(toSafeNumber);
}
