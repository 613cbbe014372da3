// A run's allocations are hashed element by element (facts.ts); the bytes must be canonical JSON's.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { allocationsSha256, type AllocationFact } from "../../src/books/facts.js";
import { canonicalJson, withoutAbsent } from "../../src/books/canonical.js";

describe("allocationsSha256", () => {
  it("hashes the same bytes as canonical JSON of the list, absent organizations and works left out", () => {
    const allocations: AllocationFact[] = [
      { bucketKey: "licensors", organizationId: 7, workId: 3, amountMinor: 1234 },
      { bucketKey: "dividend", organizationId: 9, workId: null, amountMinor: 0 },
      { bucketKey: "reserve", organizationId: null, workId: null, amountMinor: 99 },
      { bucketKey: 'odd "key" é', organizationId: 12, workId: null, amountMinor: 9_007_199_254_740_991 },
    ];
    const list = allocations.map((a) => withoutAbsent({ ...a }));
    const expected = createHash("sha256").update(canonicalJson(list), "utf8").digest("hex");
    expect(allocationsSha256(allocations)).toBe(expected);
    expect(allocationsSha256([])).toBe(createHash("sha256").update("[]").digest("hex"));
  });

  it("hashes a run's thousands of allocations, fed to the hash in slices, as the one canonical text", () => {
    const allocations: AllocationFact[] = Array.from({ length: 3_000 }, (_, i) => ({
      bucketKey: i % 3 === 0 ? "licensors" : "dividend",
      organizationId: i % 7 === 0 ? null : i + 2,
      workId: i % 3 === 0 ? i + 1 : null,
      amountMinor: 1_000 + i * 37,
    }));
    const list = allocations.map((a) => withoutAbsent({ ...a }));
    expect(allocationsSha256(allocations)).toBe(createHash("sha256").update(canonicalJson(list), "utf8").digest("hex"));
  });
});
