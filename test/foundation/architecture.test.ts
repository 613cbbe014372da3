// The structure holds: no import cycles anywhere in src/ (also run by `npm run lint`).
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importCycles, importGraph } from "../../scripts/import-graph.js";

describe("architecture", () => {
  it("has no import cycles in src/", () => {
    const root = resolve(import.meta.dirname, "../../src");
    const graph = importGraph(root);
    expect(graph.size).toBeGreaterThan(50);
    const cycles = importCycles(graph).map((c) => c.map((f) => f.slice(root.length + 1)).join(" -> "));
    expect(cycles).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(importCycles(graph)).toEqual([["a", "b", "c", "a"]]);
  });
});
