import { describe, expect, it } from "vitest";
import { splitLargestRemainder } from "../../src/shared/money.js";

describe("splitLargestRemainder (LRM)", () => {
  it("golden vectors: floors, then the largest remainders, ties to the lowest position", () => {
    expect(splitLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitLargestRemainder(10, [6000, 2000, 1000, 1000])).toEqual([6, 2, 1, 1]);
    expect(splitLargestRemainder(7, [6000, 2000, 1000, 1000])).toEqual([4, 1, 1, 1]);
    expect(splitLargestRemainder(1, [1, 1])).toEqual([1, 0]);
    expect(splitLargestRemainder(5, [0, 3, 3])).toEqual([0, 3, 2]);
    expect(splitLargestRemainder(0, [0, 0])).toEqual([0, 0]);
    expect(splitLargestRemainder(999, [1])).toEqual([999]);
  });

  it("exact with products beyond 2^53", () => {
    const total = Number.MAX_SAFE_INTEGER;
    const shares = splitLargestRemainder(total, [Number.MAX_SAFE_INTEGER, 1, 2]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it("always sums to the total, never negative, each share within one unit of its exact quota", () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 2000; round++) {
      const weights: number[] = Array.from({ length: 1 + rand(12) }, () => (rand(4) === 0 ? 0 : rand(1_000_000)));
      if (!weights.some((x) => x > 0)) weights[0] = 1;
      const total = rand(10_000_000);
      const shares = splitLargestRemainder(total, weights);
      const sum = weights.reduce((a, b) => a + b, 0);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      shares.forEach((s, i) => {
        expect(s).toBeGreaterThanOrEqual(0);
        expect(Math.abs(s - (total * weights[i]!) / sum)).toBeLessThan(1);
      });
    }
  });

  it("refuses a non-zero total over zero weights", () => {
    expect(() => splitLargestRemainder(1, [0, 0])).toThrow();
  });
});
